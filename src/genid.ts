import uid from 'uid-safe';

/** The default session ID: 24 random bytes as 32 URL-safe base64 characters. */
export function generateSessionId(): string {
  return uid.sync(24);
}
