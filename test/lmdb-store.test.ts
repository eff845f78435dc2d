/**
 * LmdbStore on its own: the Store API, expiry from the cookie or ttl, and its
 * options.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from './helpers/package';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';

type LmdbStore = InstanceType<typeof session.LmdbStore>;
const FAST_STORE = Symbol.for('wasm-session.fast-store');

const open: LmdbStore[] = [];
function newStore(options: Partial<ConstructorParameters<typeof session.LmdbStore>[0]> = {}): LmdbStore {
  const store = new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0, ...options });
  open.push(store);
  return store;
}

const inOneHour = () => new Date(Date.now() + 3_600_000);
const sess = (data: Record<string, unknown> = {}, expires: Date | null = inOneHour()) => ({
  cookie: { originalMaxAge: 3_600_000, expires, httpOnly: true, path: '/' },
  ...data,
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});
afterAll(removeTempStores);

describe('LmdbStore: the Store API', () => {
  it('is a Store and exported both ways', async () => {
    const store = newStore();
    expect(store).toBeInstanceOf(session.Store);
    const esm = await import('wasm-session');
    expect(esm.LmdbStore).toBe(session.LmdbStore);
  });

  it('set then get returns the session as JSON data (dates as strings)', async () => {
    const store = newStore();
    const expires = inOneHour();
    await call((cb) => store.set('sid-1', sess({ user: 'ann', n: 3 }, expires), cb));
    const got = await call((cb) => store.get('sid-1', cb));
    expect(got).toEqual({ cookie: { originalMaxAge: 3_600_000, expires: expires.toISOString(), httpOnly: true, path: '/' }, user: 'ann', n: 3 });
  });

  it('get of an unknown ID calls back with no error and no session', async () => {
    const store = newStore();
    await expect(call((cb) => store.get('nobody', cb))).resolves.toBeUndefined();
  });

  it('calls every callback asynchronously and exactly once', async () => {
    const store = newStore();
    const calls: string[] = [];
    let sync = true;
    const track = (name: string) => (err?: unknown) => {
      expect(err ?? null).toBeNull();
      calls.push(sync ? `${name}:sync` : name);
    };
    store.set('a', sess(), track('set'));
    store.get('a', track('get'));
    store.touch('a', sess(), track('touch'));
    store.length(track('length'));
    store.ids(track('ids'));
    store.all(track('all'));
    store.destroy('a', track('destroy'));
    store.clear(track('clear'));
    sync = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls.sort()).toEqual(['all', 'clear', 'destroy', 'get', 'ids', 'length', 'set', 'touch']);
  });

  it('destroy removes the session and is not an error for an absent ID', async () => {
    const store = newStore();
    await call((cb) => store.set('gone', sess(), cb));
    await call((cb) => store.destroy('gone', cb));
    await expect(call((cb) => store.get('gone', cb))).resolves.toBeUndefined();
    await expect(call((cb) => store.destroy('never-there', cb))).resolves.toBeUndefined();
  });

  it('all, length and ids list live sessions only; clear empties the store', async () => {
    const store = newStore();
    for (let i = 0; i < 25; i++) await call((cb) => store.set(`s${i}`, sess({ i }), cb));
    await call((cb) => store.set('old', sess({}, new Date(Date.now() - 1000)), cb));
    expect(await call<number>((cb) => store.length(cb))).toBe(25);
    const ids = await call<string[]>((cb) => store.ids(cb));
    expect(ids.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`).sort());
    const all = await call<Record<string, { i: number }>>((cb) => store.all(cb));
    expect(Object.keys(all).sort()).toEqual(ids.sort());
    expect(all.s7.i).toBe(7);
    await call((cb) => store.clear(cb));
    expect(await call<number>((cb) => store.length(cb))).toBe(0);
    await expect(call((cb) => store.get('s1', cb))).resolves.toBeUndefined();
  });

  it('keeps large and unicode values intact', async () => {
    const store = newStore();
    const large = 'λ🙂 ünïcødé '.repeat(100_000); // about 1.6 MB of UTF-8, many overflow pages
    const data = sess({ large, emoji: '👩‍👩‍👧‍👦', rtl: 'مرحبا', nul: 'a\u0000b', lone: 'x' });
    await call((cb) => store.set('big', data, cb));
    const got = await call<typeof data>((cb) => store.get('big', cb));
    expect(got.large).toBe(large);
    expect(got.emoji).toBe('👩‍👩‍👧‍👦');
    expect(got.rtl).toBe('مرحبا');
    expect(got.nul).toBe('a\u0000b');
  });

  it('accepts unicode session IDs and rejects IDs that cannot be keys with ERR_SESSION_ID_INVALID', async () => {
    const store = newStore();
    await call((cb) => store.set('ïd-🙂', sess({ ok: true }), cb));
    expect(await call((cb) => store.get('ïd-🙂', cb))).toMatchObject({ ok: true });
    for (const bad of ['', 'a\u0000b', 'x'.repeat(5000)]) {
      await expect(call((cb) => store.set(bad, sess(), cb))).rejects.toMatchObject({ code: 'ERR_SESSION_ID_INVALID' });
      await expect(call((cb) => store.get(bad, cb))).resolves.toBeUndefined();
    }
  });

  it('a session that cannot be serialised fails set through the callback', async () => {
    const store = newStore();
    const cyclic: Record<string, unknown> = sess();
    cyclic.self = cyclic;
    await expect(call((cb) => store.set('cyclic', cyclic, cb))).rejects.toThrow(/circular/i);
  });

  it('after close every call fails with ERR_SESSION_STORE_CLOSED, and close is idempotent', async () => {
    const store = new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 });
    await call((cb) => store.set('x', sess(), cb));
    await store.close();
    await call((cb) => store.close(cb));
    const closed = { code: 'ERR_SESSION_STORE_CLOSED' };
    await expect(call((cb) => store.get('x', cb))).rejects.toMatchObject(closed);
    await expect(call((cb) => store.set('x', sess(), cb))).rejects.toMatchObject(closed);
    await expect(call((cb) => store.touch('x', sess(), cb))).rejects.toMatchObject(closed);
    await expect(call((cb) => store.destroy('x', cb))).rejects.toMatchObject(closed);
    await expect(call((cb) => store.length(cb))).rejects.toMatchObject(closed);
    await expect(call((cb) => store.clear(cb))).rejects.toMatchObject(closed);
    await expect(store.sweep()).rejects.toMatchObject(closed);
  });

  it('two stores on one path in one process see each other, and closing one leaves the other working', async () => {
    const dir = tempStorePath();
    const a = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    const b = newStore({ path: dir });
    await call((cb) => a.set('shared', sess({ from: 'a' }), cb));
    expect(await call((cb) => b.get('shared', cb))).toMatchObject({ from: 'a' });
    await a.close();
    await call((cb) => b.set('shared', sess({ from: 'b' }), cb));
    expect(await call((cb) => b.get('shared', cb))).toMatchObject({ from: 'b' });
  });

  it('sessions survive closing and reopening the path', async () => {
    const dir = tempStorePath();
    const first = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    await call((cb) => first.set('kept', sess({ n: 42 }), cb));
    await first.close();
    const second = newStore({ path: dir });
    expect(await call((cb) => second.get('kept', cb))).toMatchObject({ n: 42 });
  });
});

describe('LmdbStore: expiry', () => {
  // The clock is faked (Date only; the store's timers stay real), so a busy machine cannot
  // let a 150 ms lifetime run out between a write and the read that expects it alive.
  const START = Date.parse('2030-01-01T00:00:00Z');
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const elapse = (ms: number) => vi.setSystemTime(Date.now() + ms);

  it('never returns a session whose cookie has expired', async () => {
    const store = newStore();
    await call((cb) => store.set('soon', sess({}, new Date(Date.now() + 150)), cb));
    elapse(149);
    expect(await call((cb) => store.get('soon', cb))).toBeDefined();
    elapse(1);
    await expect(call((cb) => store.get('soon', cb))).resolves.toBeUndefined();
    expect(await call<number>((cb) => store.length(cb))).toBe(0);
  });

  it('applies ttl to a session whose cookie has no expires', async () => {
    const store = newStore({ ttl: 150 });
    await call((cb) => store.set('no-expires', sess({}, null), cb));
    elapse(149);
    expect(await call((cb) => store.get('no-expires', cb))).toBeDefined();
    elapse(1);
    await expect(call((cb) => store.get('no-expires', cb))).resolves.toBeUndefined();
  });

  it('touch moves the expiry without rewriting the data', async () => {
    const store = newStore();
    await call((cb) => store.set('t', sess({ n: 1 }, new Date(Date.now() + 150)), cb));
    // The data passed to touch differs on purpose: touch must keep the stored data.
    await call((cb) => store.touch('t', sess({ n: 999 }, inOneHour()), cb));
    elapse(200);
    expect(await call((cb) => store.get('t', cb))).toMatchObject({ n: 1 });
  });

  it('touch of an absent or destroyed session does not bring it back', async () => {
    const store = newStore();
    await call((cb) => store.touch('ghost', sess(), cb));
    await expect(call((cb) => store.get('ghost', cb))).resolves.toBeUndefined();
    expect(await call<number>((cb) => store.length(cb))).toBe(0);
  });

  it('the fast access reads synchronously and its writes resolve once committed', async () => {
    const store = newStore();
    const fast = (store as unknown as Record<symbol, { readJSON(s: string): string | undefined; writeJSON(s: string, j: string, e: number): unknown; destroy(s: string): unknown }>)[FAST_STORE];
    const written = fast.writeJSON('f', '{"cookie":{},"a":1}', Date.now() + 60_000);
    expect(written).toBeInstanceOf(Promise);
    await written;
    expect(fast.readJSON('f')).toBe('{"cookie":{},"a":1}');
    await fast.writeJSON('expired', '{"cookie":{}}', Date.now() - 1);
    expect(fast.readJSON('expired')).toBeUndefined();
    await fast.destroy('f');
    expect(fast.readJSON('f')).toBeUndefined();
  });
});

describe('LmdbStore: options', () => {
  const dir = '/tmp/unused';
  it.each([
    [{}, /options\.path must be a non-empty string/],
    [{ path: '' }, /options\.path must be a non-empty string/],
    [{ path: dir, ttl: 0 }, /options\.ttl must be a positive finite number/],
    [{ path: dir, ttl: Infinity }, /options\.ttl must be a positive finite number/],
    [{ path: dir, sweepInterval: -1 }, /options\.sweepInterval must be 0 or a positive/],
    [{ path: dir, sweepBatchSize: 1.5 }, /options\.sweepBatchSize must be a positive integer/],
    [{ path: dir, durability: 'always' }, /options\.durability must be "background", "commit", "flush" or "none"/],
    [{ path: dir, mapSize: -5 }, /options\.mapSize must be a positive integer/],
  ])('rejects %j', (options, message) => {
    expect(() => new session.LmdbStore(options as never)).toThrow(TypeError);
    expect(() => new session.LmdbStore(options as never)).toThrow(message);
  });

  it('a path that cannot hold an environment fails with ERR_SESSION_STORE_OPEN', () => {
    const file = path.join(tempStorePath(), 'a-file');
    writeFileSync(file, 'not a directory');
    expect(() => new session.LmdbStore({ path: path.join(file, 'sessions') })).toThrow(
      expect.objectContaining({ code: 'ERR_SESSION_STORE_OPEN' }),
    );
  });

  it.each(['commit', 'flush', 'none'] as const)('durability %s writes and reads back', async (durability) => {
    const store = newStore({ durability });
    await call((cb) => store.set('d', sess({ durability }), cb));
    expect(await call((cb) => store.get('d', cb))).toMatchObject({ durability });
  });
});
