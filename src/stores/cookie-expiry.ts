/**
 * Epoch milliseconds at which a session expires, from its cookie's `expires`
 * as the middleware (a Date) or a stored copy (an ISO string or a number)
 * carries it; NaN when the cookie has none, and the store's ttl applies.
 * A falsy `expires` (0, '', null, false) is none, as in express-session's
 * MemoryStore and connect-redis, which test `if (expires)`: a stored numeric
 * 0 never expires there, while a Date or ISO string of the epoch is past.
 * The one rule for the middleware's fast writes and for every store of ours.
 */
export function cookieExpiry(session: unknown): number {
  const expires = (session as { cookie?: { expires?: unknown } } | null | undefined)?.cookie?.expires;
  if (expires instanceof Date) return expires.getTime();
  if (typeof expires === 'string') return expires === '' ? NaN : new Date(expires).getTime();
  if (typeof expires === 'number') return expires === 0 ? NaN : expires;
  return NaN;
}
