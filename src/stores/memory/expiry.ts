/** The expiry the engine keeps: the cookie's, else now + ttl, else never (Infinity). */
export function effectiveExpiry(cookieExpiresAt: number, ttl: number): number {
  if (!Number.isNaN(cookieExpiresAt)) return cookieExpiresAt;
  return ttl === Infinity ? Infinity : Date.now() + ttl;
}
