import { cookieExpiry } from '../../format/expiry';
import type { StoredSession } from '../../types';
import type { ResolvedRedisStoreOptions } from './options';

/**
 * A session's lifetime in Redis, in whole seconds, as connect-redis computes
 * it (its getTTL), so a key written by either store expires at the same
 * moment: the ttl function's answer; else the cookie's expiry rounded up to
 * the second; else the ttl option. Zero or less means the session is already
 * over: a save deletes it, as connect-redis's does. The cookie's expiry is
 * read by the one rule of this package (format/expiry.ts).
 */
export function ttlSeconds(session: object, options: ResolvedRedisStoreOptions, now: number): number {
  const ttl = options.ttl;
  if (typeof ttl === 'function') return ttl(session as StoredSession);
  return secondsUntil(cookieExpiry(session), ttl, now);
}

/** The same rule from the cookie's expiry in epoch ms (NaN: none, then `ttl` seconds), for a ttl option that is a number. */
export function secondsUntil(expiresAt: number, ttl: number, now: number): number {
  return Number.isNaN(expiresAt) ? ttl : Math.ceil((expiresAt - now) / 1000);
}
