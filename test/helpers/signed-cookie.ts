// The Cookie header value a browser sends back for a session ID signed as express-session signs it.
import signature from 'cookie-signature';

export function signedSessionCookie(id: string, secret: string, name = 'connect.sid'): string {
  return `${name}=${encodeURIComponent('s:' + signature.sign(id, secret))}`;
}
