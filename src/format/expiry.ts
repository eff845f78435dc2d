/**
 * When a stored session expires, the one rule for the middleware's fast
 * writes and for every store of ours: from its cookie, else from the store's
 * ttl, and whether it is still live at a given moment.
 */

/**
 * Epoch milliseconds at which a session expires, from its cookie's `expires`
 * as the middleware (a Date) or a stored copy (an ISO string or a number)
 * carries it; NaN when the cookie has none, and the store's ttl applies.
 * A falsy `expires` (0, '', null, false) is none, as in express-session's
 * MemoryStore and connect-redis, which test `if (expires)`: a stored numeric
 * 0 never expires there, while a Date or ISO string of the epoch is past.
 */
export function cookieExpiry(session: unknown): number {
  const expires = (session as { cookie?: { expires?: unknown } } | null | undefined)?.cookie?.expires;
  if (expires instanceof Date) return expires.getTime();
  if (typeof expires === 'string') return expires === '' ? NaN : new Date(expires).getTime();
  if (typeof expires === 'number') return expires === 0 ? NaN : expires;
  return NaN;
}

/** The expiry a store keeps: the cookie's, else now + ttl, else never (Infinity). */
export function effectiveExpiry(cookieExpiresAt: number, ttl: number): number {
  if (!Number.isNaN(cookieExpiresAt)) return cookieExpiresAt;
  return ttl === Infinity ? Infinity : Date.now() + ttl;
}

/** Whether a session expiring at `expiresAt` is still served at `now`: the expiry moment itself is already past. */
export function isLive(expiresAt: number, now: number): boolean {
  return expiresAt > now;
}
