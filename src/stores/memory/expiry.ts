/**
 * Epoch milliseconds at which a session expires, from its cookie's `expires`
 * as the middleware (a Date) or a stored copy (an ISO string) carries it;
 * NaN when the cookie has none. Matches express-session's MemoryStore, which
 * compares `new Date(expires)` (or a number) with the current time.
 */
export function cookieExpiry(session: unknown): number {
  const expires = (session as { cookie?: { expires?: unknown } } | null | undefined)?.cookie?.expires;
  if (expires instanceof Date) return expires.getTime();
  if (typeof expires === 'string') return expires === '' ? NaN : new Date(expires).getTime();
  // The reference treats a falsy expiry (0, '') as none.
  if (typeof expires === 'number') return expires === 0 ? NaN : expires;
  return NaN;
}

/** The expiry the engine keeps: the cookie's, else now + ttl, else never (Infinity). */
export function effectiveExpiry(cookieExpiresAt: number, ttl: number): number {
  if (!Number.isNaN(cookieExpiresAt)) return cookieExpiresAt;
  return ttl === Infinity ? Infinity : Date.now() + ttl;
}
