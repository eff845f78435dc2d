/**
 * Bounds and eviction: LRU order across shards, maxEntries, maxBytes under
 * pressure, growth of the Wasm memory, unicode keys and values, values larger
 * than the static transfer buffer, and a randomized run against a Map model.
 */
import { describe, expect, it } from 'vitest';
import { FAST_STORE } from '../src/stores/fast-store';
import { type MemoryStoreOptions, useFreshMemoryStores } from './helpers/memory-store';

const freshStore = useFreshMemoryStores();
// No background sweep here: eviction, not expiry, is what these tests watch.
const fresh = (options?: MemoryStoreOptions) => freshStore({ sweepInterval: 0, ...options });

const json = (id: string, pad = 0) => `{"cookie":{"originalMaxAge":null,"expires":null},"id":${JSON.stringify(id)},"pad":"${'p'.repeat(pad)}"}`;

/** Tiny deterministic PRNG so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('LRU eviction', () => {
  it('evicts the least recently used session at maxEntries, counting reads and touches as use', () => {
    const store = fresh({ maxEntries: 5 });
    const fast = store[FAST_STORE];
    for (const id of ['a', 'b', 'c', 'd', 'e']) fast.writeJSON(id, json(id), NaN);
    expect(fast.readJSON('a')).toBe(json('a')); // a is now the most recent
    fast.touch('b', json('b'), Date.now() + 60_000); // and then b
    fast.writeJSON('f', json('f'), NaN); // evicts c
    fast.writeJSON('g', json('g'), NaN); // evicts d
    expect(fast.readJSON('c')).toBeUndefined();
    expect(fast.readJSON('d')).toBeUndefined();
    for (const id of ['a', 'b', 'e', 'f', 'g']) expect(fast.readJSON(id), id).toBe(json(id));
    expect(store.stats()).toMatchObject({ entries: 5, evictions: 2 });
  });

  it('keeps exact LRU order across shards over many keys', () => {
    const store = fresh({ maxEntries: 1000 });
    const fast = store[FAST_STORE];
    for (let i = 0; i < 1000; i++) fast.writeJSON(`k${i}`, json(`k${i}`), NaN);
    // Use the first half again in reverse, so the second half is now the oldest.
    for (let i = 499; i >= 0; i--) fast.readJSON(`k${i}`);
    for (let i = 1000; i < 1500; i++) fast.writeJSON(`k${i}`, json(`k${i}`), NaN);
    for (let i = 0; i < 500; i++) expect(fast.readJSON(`k${i}`)).toBe(json(`k${i}`));
    for (let i = 500; i < 1000; i++) expect(fast.readJSON(`k${i}`)).toBeUndefined();
    expect(store.stats().evictions).toBe(500);
  });

  it('stays within maxBytes under pressure and keeps the most recent sessions', () => {
    const maxBytes = 1024 * 1024;
    const store = fresh({ maxBytes });
    const fast = store[FAST_STORE];
    const n = 20_000; // about 4 MB of sessions through a 1 MiB store
    for (let i = 0; i < n; i++) {
      fast.writeJSON(`s${i}`, json(`s${i}`, 100 + (i % 300)), NaN);
      expect(store.stats().arenaBytes).toBeLessThanOrEqual(maxBytes);
    }
    const stats = store.stats();
    expect(stats.evictions).toBeGreaterThan(n / 2);
    expect(stats.entries + stats.evictions).toBe(n);
    expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
    // The most recent writes survived, in order: everything newer than the oldest survivor is there.
    let oldestKept = n;
    for (let i = n - 1; i >= 0 && fast.readJSON(`s${i}`) !== undefined; i--) oldestKept = i;
    expect(n - oldestKept).toBe(stats.entries);
    expect(stats.memoryBytes).toBeLessThanOrEqual(maxBytes + 256 * 1024);
  });

  it('reuses freed space when session sizes shift, without leaving the bound', () => {
    const maxBytes = 2 * 1024 * 1024;
    const store = fresh({ maxBytes });
    const fast = store[FAST_STORE];
    for (let i = 0; i < 5000; i++) fast.writeJSON(`small${i}`, json('s', 50), NaN);
    for (let i = 0; i < 5000; i++) fast.destroy(`small${i}`);
    for (let i = 0; i < 400; i++) fast.writeJSON(`big${i}`, json('b', 4000), NaN);
    const stats = store.stats();
    expect(stats.evictions).toBe(0);
    expect(stats.entries).toBe(400);
    expect(stats.arenaBytes).toBeLessThanOrEqual(maxBytes);
    for (let i = 0; i < 400; i++) expect(fast.readJSON(`big${i}`)).toBe(json('b', 4000));
  });

  it('makes room for one session close to maxBytes by evicting all others', () => {
    const store = fresh({ maxBytes: 1024 * 1024 });
    const fast = store[FAST_STORE];
    // Small sessions first, so the shards' index blocks are spread all over the arena.
    for (let i = 0; i < 400; i++) fast.writeJSON(`s${i}`, json(`s${i}`, 2000), NaN);
    const big = json('big', 900 * 1024);
    fast.writeJSON('big', big, NaN);
    expect(fast.readJSON('big')).toBe(big);
    const stats = store.stats();
    expect(stats.entries).toBeLessThan(100);
    expect(stats.evictions).toBe(401 - stats.entries);
    for (let i = 0; i < 400; i++) {
      const got = fast.readJSON(`s${i}`);
      if (got !== undefined) expect(got).toBe(json(`s${i}`, 2000));
    }
  });
});

describe('Wasm memory', () => {
  it('grows as sessions arrive and reads stay correct across growth', () => {
    const store = fresh({ maxBytes: 64 * 1024 * 1024 });
    const fast = store[FAST_STORE];
    const before = store.stats().memoryBytes;
    const seen = new Set<number>([before]);
    for (let i = 0; i < 50_000; i++) {
      fast.writeJSON(`g${i}`, json(`g${i}`, 200), NaN);
      if (i % 997 === 0) {
        seen.add(store.stats().memoryBytes);
        // A read right after a growing write must go through the fresh view.
        expect(fast.readJSON(`g${i}`)).toBe(json(`g${i}`, 200));
      }
    }
    expect(seen.size).toBeGreaterThan(3);
    expect(store.stats().memoryBytes).toBeGreaterThan(before + 10 * 1024 * 1024);
    for (let i = 0; i < 50_000; i += 7) expect(fast.readJSON(`g${i}`)).toBe(json(`g${i}`, 200));
  });

  it('gives each store its own instance', () => {
    const one = fresh();
    const two = fresh();
    one[FAST_STORE].writeJSON('same', json('one'), NaN);
    two[FAST_STORE].writeJSON('same', json('two'), NaN);
    expect(one[FAST_STORE].readJSON('same')).toBe(json('one'));
    expect(two[FAST_STORE].readJSON('same')).toBe(json('two'));
    one.clear();
    expect(two[FAST_STORE].readJSON('same')).toBe(json('two'));
  });

  it('clears to empty and is usable again', () => {
    const store = fresh();
    const fast = store[FAST_STORE];
    for (let i = 0; i < 1000; i++) fast.writeJSON(`c${i}`, json(`c${i}`), NaN);
    store.clear();
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(fast.readJSON('c1')).toBeUndefined();
    fast.writeJSON('c1', json('again'), NaN);
    expect(fast.readJSON('c1')).toBe(json('again'));
  });
});

describe('keys and values', () => {
  it('stores any unicode in IDs and data, including astral characters and lone surrogates', async () => {
    const store = fresh();
    const ids = ['plain', 'ünïcödé', '日本語のセッション', '🙂🙃', 'a\u0000b', '', '\ud800', '\udc00', 'x\ud800y', 'x\udbffy', '\ufffd'];
    const data = { text: 'Grüße 👋 \u2028 \u0000 "quotes" \\ \ud83d', emoji: '🧪'.repeat(100) };
    for (const id of ids) store.set(id, { cookie: { expires: null }, id, ...data });
    for (const id of ids) {
      const got = await new Promise((resolve, reject) => store.get(id, (err, s) => (err ? reject(err) : resolve(s))));
      expect(got, JSON.stringify(id)).toEqual(JSON.parse(JSON.stringify({ cookie: { expires: null }, id, ...data })));
    }
    const listed = await new Promise<string[]>((resolve) => store.ids((_e, list) => resolve(list!)));
    expect(listed.sort()).toEqual([...ids].sort());
    const all = await new Promise<Record<string, { id: string }>>((resolve) => store.all((_e, a) => resolve(a as never)));
    for (const id of ids) expect(all[id]!.id).toBe(id);
  });

  it('stores values larger than the 64 KiB transfer buffer, also when rewriting and touching them', () => {
    const store = fresh();
    const fast = store[FAST_STORE];
    for (const size of [64 * 1024 - 200, 64 * 1024 + 10, 300_000, 5_000_000]) {
      const value = json(`big${size}`, size).replace('"pad":"', '"pad":"ü€');
      fast.writeJSON(`big${size}`, value, NaN);
      expect(fast.readJSON(`big${size}`)).toBe(value);
      const touched = value.replace('"expires":null', '"expires":"2999-01-01T00:00:00.000Z"');
      fast.touch(`big${size}`, touched, Date.parse('2999-01-01'));
      expect(fast.readJSON(`big${size}`)).toBe(touched);
    }
    fast.writeJSON('big300000', json('small'), NaN);
    expect(fast.readJSON('big300000')).toBe(json('small'));
  });
});

describe('randomized against a Map model', () => {
  it('agrees with a Map on every read through sets, rewrites of other sizes, touches and destroys', () => {
    const random = prng(7);
    const store = fresh({ maxBytes: 256 * 1024 * 1024 });
    const fast = store[FAST_STORE];
    const model = new Map<string, string>();
    for (let step = 0; step < 40_000; step++) {
      const id = `id${Math.floor(random() * 3000)}`;
      const op = random();
      if (op < 0.45) {
        const size = random() < 0.01 ? 70_000 + Math.floor(random() * 10_000) : Math.floor(random() * 600);
        const value = json(id + step, size);
        fast.writeJSON(id, value, NaN);
        model.set(id, value);
      } else if (op < 0.6) {
        fast.destroy(id);
        model.delete(id);
      } else if (op < 0.7) {
        const before = model.get(id);
        const cookie = `{"cookie":{"originalMaxAge":${step},"expires":null}`;
        fast.touch(id, before === undefined ? json(id) : cookie + before.slice(before.indexOf('},') + 1), NaN);
        if (before !== undefined) model.set(id, cookie + before.slice(before.indexOf('},') + 1));
      } else {
        expect(fast.readJSON(id), `step ${step}`).toBe(model.get(id));
      }
    }
    expect(store.stats().entries).toBe(model.size);
    for (const [id, value] of model) expect(fast.readJSON(id)).toBe(value);
  });

  it('under a tight bound, reads return the last written value or nothing, and the gauges agree with a walk', async () => {
    const random = prng(11);
    const store = fresh({ maxBytes: 1024 * 1024, maxEntries: 1500 });
    const fast = store[FAST_STORE];
    const last = new Map<string, string>();
    for (let step = 0; step < 30_000; step++) {
      const id = `t${Math.floor(random() * 4000)}`;
      if (random() < 0.6) {
        const value = json(id + step, Math.floor(random() * (random() < 0.02 ? 40_000 : 800)));
        fast.writeJSON(id, value, NaN);
        last.set(id, value);
      } else if (random() < 0.1) {
        fast.destroy(id);
        last.delete(id);
      } else {
        const got = fast.readJSON(id);
        if (got !== undefined) expect(got).toBe(last.get(id));
      }
    }
    const stats = store.stats();
    expect(stats.entries).toBeLessThanOrEqual(1500);
    expect(stats.arenaBytes).toBeLessThanOrEqual(1024 * 1024);
    const ids = await new Promise<string[]>((resolve) => store.ids((_e, list) => resolve(list!)));
    expect(ids.length).toBe(stats.entries);
    for (const id of ids) expect(fast.readJSON(id)).toBe(last.get(id));
  });
});
