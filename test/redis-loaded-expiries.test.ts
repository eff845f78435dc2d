/**
 * What RedisStore without the near-cache knows of a key's expiry
 * (src/stores/redis/loaded-expiries.ts): trusted for one second after it was
 * read or set, then asked of Redis again; bounded, oldest first.
 */
import { describe, expect, it } from 'vitest';
import { LoadedExpiries } from '../src/stores/redis/loaded-expiries';

describe('LoadedExpiries', () => {
  it('answers a seen expiry within the trusted time, for every request that asks, and nothing after it', () => {
    const known = new LoadedExpiries(10, 1000);
    known.remember('k', 60_000, 0);
    expect(known.known('k', 10)).toBe(60_000);
    expect(known.known('k', 999)).toBe(60_000);
    expect(known.known('k', 1000)).toBeUndefined();
    expect(known.known('k', 10)).toBeUndefined();
  });

  it('a newer sighting replaces the older, and forget drops it', () => {
    const known = new LoadedExpiries(10, 1000);
    known.remember('k', 60_000, 0);
    known.remember('k', 61_000, 500);
    expect(known.known('k', 1200)).toBe(61_000);
    known.forget('k');
    expect(known.known('k', 1200)).toBeUndefined();
  });

  it('keeps at most its limit, forgetting the longest-unseen key first', () => {
    const known = new LoadedExpiries(2, 1000);
    known.remember('a', 1, 0);
    known.remember('b', 2, 0);
    known.remember('a', 3, 0);
    known.remember('c', 4, 0);
    expect(known.known('b', 0)).toBeUndefined();
    expect(known.known('a', 0)).toBe(3);
    expect(known.known('c', 0)).toBe(4);
  });
});
