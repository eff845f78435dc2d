/**
 * Scale: a million sessions in one store (all readable, the JS heap flat,
 * expired ones swept in budgeted steps), and many async callers at once.
 */
import { describe, expect, it } from 'vitest';
import { FAST_STORE } from '../src/stores/fast-store';
import { SWEEP_BUDGET } from '../src/stores/memory/sweeper';
import { useFreshMemoryStores } from './helpers/memory-store';

const fresh = useFreshMemoryStores();

const MILLION = 1_000_000;
const sid = (i: number) => `sess-${i.toString(36).padStart(8, '0')}-0123456789abcdef`;
const body = (i: number) => `{"cookie":{"originalMaxAge":3600000,"expires":"2999-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"n":${i}}`;

describe('a million sessions', () => {
  it('holds and returns 1,000,000 sessions while the JS heap stays flat', () => {
    const store = fresh({ maxBytes: 512 * 1024 * 1024, sweepInterval: 0 });
    const fast = store[FAST_STORE];
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const expires = Date.parse('2999-01-01');
    for (let i = 0; i < MILLION; i++) fast.writeJSON(sid(i), body(i), expires);
    const stats = store.stats();
    expect(stats).toMatchObject({ entries: MILLION, evictions: 0 });
    let wrong = 0;
    for (let i = 0; i < MILLION; i += 3) if (fast.readJSON(sid(i)) !== body(i)) wrong++;
    expect(wrong).toBe(0);
    globalThis.gc?.();
    // Garbage from a million temporary strings may still be around without --expose-gc; the sessions themselves are not.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(stats.memoryBytes).toBeGreaterThan(100 * 1024 * 1024);
  });

  it('sweeps a million expired sessions in steps of at most SWEEP_BUDGET per shard', async () => {
    const store = fresh({ maxBytes: 512 * 1024 * 1024, sweepInterval: 0 });
    const fast = store[FAST_STORE];
    const soon = Date.now() + 50;
    for (let i = 0; i < MILLION; i++) fast.writeJSON(sid(i), body(i), soon + (i % 1000));
    await new Promise((resolve) => setTimeout(resolve, soon + 1000 - Date.now() + 10));
    const engine = (store as unknown as { engine: { sweep(shard: number, now: number, budget: number): number; shards: number } }).engine;
    let ticks = 0;
    let removed = 0;
    for (let shard = 0; removed < MILLION; shard = (shard + 1) % engine.shards) {
      const n = engine.sweep(shard, Date.now(), SWEEP_BUDGET);
      expect(n).toBeLessThanOrEqual(SWEEP_BUDGET);
      removed += n;
      ticks++;
      if (ticks > 10 * (MILLION / SWEEP_BUDGET) + engine.shards) break;
    }
    expect(removed).toBe(MILLION);
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0, expirations: MILLION });
    // Space freed by the sweep is reused rather than grown into.
    const memory = store.stats().memoryBytes;
    for (let i = 0; i < 100_000; i++) fast.writeJSON(sid(i), body(i), NaN);
    expect(store.stats().memoryBytes).toBe(memory);
  });
});

describe('parallel async callers', () => {
  it('keeps every caller’s session apart when thousands of set/get/touch/destroy calls interleave', async () => {
    const store = fresh({ sweepInterval: 0 });
    const later = new Date(Date.now() + 60_000);
    const call = <T>(fn: (cb: (err?: unknown, value?: T) => void) => void) =>
      new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
    const worker = async (w: number) => {
      for (let round = 0; round < 20; round++) {
        const id = `w${w}-r${round % 5}`;
        await call((cb) => store.set(id, { cookie: { expires: later }, w, round }, cb));
        const [got] = await Promise.all([
          call<Record<string, unknown>>((cb) => store.get(id, cb as never)),
          call((cb) => store.touch(id, { cookie: { expires: later } }, cb)),
        ]);
        expect(got).toMatchObject({ w, round });
        if (round % 7 === 6) await call((cb) => store.destroy(id, cb));
      }
    };
    await Promise.all(Array.from({ length: 200 }, (_, w) => worker(w)));
    const length = await call<number>((cb) => store.length(cb as never));
    const all = await call<Record<string, { w: number }>>((cb) => store.all(cb as never));
    expect(Object.keys(all!).length).toBe(length);
    for (const [id, sess] of Object.entries(all!)) expect(id.startsWith(`w${sess.w}-`)).toBe(true);
  });
});
