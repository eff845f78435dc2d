/**
 * Expiry: from the cookie's `expires` or the `ttl` option, never returned once
 * past, removed by the background sweep without being read, and moved by
 * touch, which replaces the cookie and keeps the stored data.
 */
import { describe, expect, it, vi } from 'vitest';
import { FAST_STORE } from '../src/stores/fast-store';
import { SWEEP_BUDGET } from '../src/stores/memory/sweeper';
import { MemoryStore } from '../src/stores/memory/memory-store';
import { useFreshMemoryStores } from './helpers/memory-store';

const fresh = useFreshMemoryStores();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const get = (store: MemoryStore, sid: string) =>
  new Promise<Record<string, any> | null | undefined>((resolve, reject) => store.get(sid, (err, s) => (err ? reject(err) : resolve(s))));
const done = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

function session(expires: Date | string | null, data: Record<string, unknown> = {}) {
  return { cookie: { originalMaxAge: null, expires, path: '/' }, ...data };
}

describe('expiry', () => {
  it('never returns a session whose cookie has expired, given as a Date or as a stored ISO string', async () => {
    // A fake clock (Date only): on a busy machine 300 ms could pass before the reads that expect the sessions alive.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2030-01-01T00:00:00Z') });
    try {
      const store = fresh({ sweepInterval: 0 });
      await done((cb) => store.set('date', session(new Date(Date.now() + 300)), cb));
      await done((cb) => store.set('iso', session(new Date(Date.now() + 300).toISOString()), cb));
      await done((cb) => store.set('past', session(new Date(Date.now() - 1)), cb));
      vi.setSystemTime(Date.now() + 299);
      expect(await get(store, 'date')).toBeDefined();
      expect(await get(store, 'iso')).toBeDefined();
      expect(await get(store, 'past')).toBeUndefined();
      vi.setSystemTime(Date.now() + 1);
      expect(await get(store, 'date')).toBeUndefined();
      expect(await get(store, 'iso')).toBeUndefined();
      expect(store.stats().expirations).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps sessions without cookie expiry forever by default, as the reference does', async () => {
    const store = fresh({ sweepInterval: 0 });
    store[FAST_STORE].writeJSON('browser', '{"cookie":{"expires":null},"v":1}', NaN);
    await sleep(30);
    expect(store[FAST_STORE].readJSON('browser')).toBe('{"cookie":{"expires":null},"v":1}');
  });

  it('applies ttl to sessions without cookie expiry, counted from the last write or touch', () => {
    // The clock is faked (Date only), so a busy machine cannot stretch the intervals.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.parse('2030-01-01T00:00:00Z');
      vi.setSystemTime(start);
      const store = fresh({ sweepInterval: 0, ttl: 80 });
      const fast = store[FAST_STORE];
      fast.writeJSON('t', '{"cookie":{"expires":null},"v":1}', NaN);
      fast.writeJSON('cookie-wins', '{"cookie":{"expires":"x"},"v":1}', start + 10_000);
      vi.setSystemTime(start + 50);
      fast.touch('t', '{"cookie":{"expires":null},"v":1}', NaN); // now expires at start + 130
      vi.setSystemTime(start + 129);
      expect(fast.readJSON('t')).toBeDefined();
      vi.setSystemTime(start + 130);
      expect(fast.readJSON('t')).toBeUndefined();
      expect(fast.readJSON('cookie-wins')).toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('sweeps expired sessions in the background without reads, one shard per tick', async () => {
    const store = fresh({ sweepInterval: 64 }); // 64 shards: a tick every millisecond
    const fast = store[FAST_STORE];
    for (let i = 0; i < 5000; i++) fast.writeJSON(`e${i}`, '{"cookie":{},"v":1}', Date.now() + 20);
    for (let i = 0; i < 100; i++) fast.writeJSON(`keep${i}`, '{"cookie":{},"v":1}', Date.now() + 60_000);
    expect(store.stats().entries).toBe(5100);
    const deadline = Date.now() + 5000;
    while (store.stats().entries > 100 && Date.now() < deadline) await sleep(20);
    const stats = store.stats();
    expect(stats).toMatchObject({ entries: 100, expirations: 5000, hits: 0, misses: 0 });
    expect(fast.readJSON('keep7')).toBeDefined();
  });

  it('drains a shard holding more expired sessions than one tick may remove in quick follow-up ticks', async () => {
    const store = fresh({ sweepInterval: 64_000 }); // the next shard only after a second
    const fast = store[FAST_STORE];
    const n = 64 * SWEEP_BUDGET * 3; // about three budgets per shard
    for (let i = 0; i < n; i++) fast.writeJSON(`burst${i}`, '{"cookie":{}}', Date.now() + 10);
    await sleep(1500); // the first tick (shard 0) runs at ~1000 ms
    const { expirations } = store.stats();
    // Only shard 0 was visited; without follow-up ticks it would have lost exactly one budget.
    expect(expirations).toBeGreaterThan(2 * SWEEP_BUDGET);
    expect(expirations).toBeLessThan(n / 8);
  });

  it('stops sweeping on close(), leaving expired sessions to be dropped when read', async () => {
    const store = fresh({ sweepInterval: 64 });
    store.close();
    store[FAST_STORE].writeJSON('x', '{"cookie":{}}', Date.now() + 5);
    await sleep(40);
    expect(store.stats().entries).toBe(1);
    expect(store[FAST_STORE].readJSON('x')).toBeUndefined();
    expect(store.stats()).toMatchObject({ entries: 0, expirations: 1 });
  });

  it('counts only live sessions in length(), all() and ids()', async () => {
    const store = fresh({ sweepInterval: 0 });
    await done((cb) => store.set('live', session(new Date(Date.now() + 60_000)), cb));
    await done((cb) => store.set('dying', session(new Date(Date.now() + 10)), cb));
    await sleep(25);
    const all = await new Promise<Record<string, unknown>>((resolve) => store.all((_e, a) => resolve(a!)));
    expect(Object.keys(all)).toEqual(['live']);
    await done((cb) => store.set('dying2', session(new Date(Date.now() + 10)), cb));
    await sleep(25);
    expect(await new Promise((resolve) => store.length((_e, n) => resolve(n)))).toBe(1);
    await done((cb) => store.set('dying3', session(new Date(Date.now() + 10)), cb));
    await sleep(25);
    expect(await new Promise((resolve) => store.ids((_e, ids) => resolve(ids)))).toEqual(['live']);
  });
});

describe('touch', () => {
  it('replaces the cookie and its expiry but keeps the stored data, as the reference does', async () => {
    // A fake clock (Date only): on a busy machine 30 ms could pass before the touch, which would then find the session gone.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2030-01-01T00:00:00Z') });
    try {
      const store = fresh({ sweepInterval: 0 });
      const soon = new Date(Date.now() + 30);
      await done((cb) => store.set('s', session(soon, { cart: ['apple'], name: 'Zoë' }), cb));
      const later = new Date(Date.now() + 60_000);
      // The data passed to touch is ignored: only the cookie is taken.
      await done((cb) => store.touch('s', session(later, { cart: [], other: true }), cb));
      vi.setSystemTime(Date.now() + 50);
      const got = await get(store, 's');
      expect(got).toEqual({ cookie: { originalMaxAge: null, expires: later.toISOString(), path: '/' }, cart: ['apple'], name: 'Zoë' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('handles a new cookie of another length, shorter and longer, in place or moved', async () => {
    const store = fresh({ sweepInterval: 0 });
    const fast = store[FAST_STORE];
    const data = ',"payload":"' + 'd'.repeat(500) + '"}';
    fast.writeJSON('s', '{"cookie":{"path":"/","expires":null}' + data, NaN);
    for (const cookie of ['{"a":1}', '{"path":"/' + 'x'.repeat(2000) + '"}', '{"s":"}{\\"}"}', '{"nested":{"a":[1,{"b":"}"}]}}']) {
      await done((cb) => store.touch('s', { cookie: JSON.parse(cookie) }, cb));
      expect(fast.readJSON('s')).toBe('{"cookie":' + cookie + data);
    }
  });

  it('does not bring back a destroyed or expired session', async () => {
    const store = fresh({ sweepInterval: 0 });
    const fast = store[FAST_STORE];
    fast.writeJSON('gone', '{"cookie":{}}', NaN);
    fast.destroy('gone');
    await done((cb) => store.touch('gone', session(new Date(Date.now() + 60_000)), cb));
    fast.touch('gone', '{"cookie":{}}', Date.now() + 60_000);
    fast.writeJSON('old', '{"cookie":{}}', Date.now() - 1);
    fast.touch('old', '{"cookie":{}}', Date.now() + 60_000);
    expect(fast.readJSON('gone')).toBeUndefined();
    expect(fast.readJSON('old')).toBeUndefined();
  });

  it('rewrites a stored session whose text does not start with the cookie', async () => {
    const store = fresh({ sweepInterval: 0 });
    await done((cb) => store.set('odd', { data: 1, cookie: { expires: null } }, cb));
    const later = new Date(Date.now() + 60_000);
    await done((cb) => store.touch('odd', session(later), cb));
    expect(await get(store, 'odd')).toEqual({ data: 1, cookie: { originalMaxAge: null, expires: later.toISOString(), path: '/' } });
  });
});
