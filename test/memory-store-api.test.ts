/**
 * MemoryStore's callback API against express-session's MemoryStore (run side
 * by side): callback arguments, JSON semantics, `all`'s shape, errors with
 * codes, option validation, and callbacks that are asynchronous and single.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/stores/memory/memory-store';
import { useFreshMemoryStores } from './helpers/memory-store';

const require = createRequire(import.meta.url);
const reference = require('express-session') as { MemoryStore: new () => CallbackStore };

interface CallbackStore {
  get(sid: unknown, cb: (...args: unknown[]) => void): void;
  set(sid: unknown, session: unknown, cb?: (...args: unknown[]) => void): void;
  destroy(sid: unknown, cb?: (...args: unknown[]) => void): void;
  touch(sid: unknown, session: unknown, cb?: (...args: unknown[]) => void): void;
  all(cb: (...args: unknown[]) => void): void;
  length(cb: (...args: unknown[]) => void): void;
  clear(cb?: (...args: unknown[]) => void): void;
}

/** Calls a callback-style method and resolves with every argument its callback got. */
function call(store: CallbackStore, method: keyof CallbackStore, ...args: unknown[]): Promise<unknown[]> {
  return new Promise((resolve) => {
    (store[method] as (...a: unknown[]) => void).apply(store, [...args, (...cbArgs: unknown[]) => resolve(cbArgs)]);
  });
}

const fresh = useFreshMemoryStores();

function session(extra: Record<string, unknown> = {}, expires: Date | null = new Date(Date.now() + 60_000)) {
  return { cookie: { originalMaxAge: expires ? 60_000 : null, expires, httpOnly: true, path: '/' }, ...extra };
}

describe('MemoryStore callback API, side by side with express-session', () => {
  it('passes the same callback arguments for every method', async () => {
    const ours = fresh() as unknown as CallbackStore;
    const theirs = new reference.MemoryStore();
    const sess = session({ user: { name: 'ada' }, when: new Date(0) });
    for (const store of [ours, theirs]) {
      expect(await call(store, 'set', 'a', sess)).toEqual([]);
      expect(await call(store, 'set', 'b', session({ n: 2 }, null))).toEqual([]);
    }
    for (const [method, ...args] of [
      ['get', 'a'],
      ['get', 'missing'],
      ['all'],
      ['length'],
      ['touch', 'a', session({}, new Date(Date.now() + 120_000))],
      ['touch', 'missing', sess],
      ['destroy', 'b'],
      ['destroy', 'missing'],
      ['all'],
      ['clear'],
      ['length'],
    ] as Array<[keyof CallbackStore, ...unknown[]]>) {
      const [mine, ref] = await Promise.all([call(ours, method, ...args), call(theirs, method, ...args)]);
      expect(mine, method).toEqual(ref);
    }
  });

  it('returns JSON.parse of what was stored: Dates come back as strings, functions and undefined vanish', async () => {
    const store = fresh();
    const when = new Date('2020-01-02T03:04:05.000Z');
    await call(store as unknown as CallbackStore, 'set', 's', { ...session(), when, fn: () => 1, gone: undefined, n: 1.5 });
    const [err, got] = await call(store as unknown as CallbackStore, 'get', 's');
    expect(err).toBeNull();
    expect(got).toMatchObject({ when: '2020-01-02T03:04:05.000Z', n: 1.5 });
    expect(got).not.toHaveProperty('fn');
    expect(got).not.toHaveProperty('gone');
    expect(typeof (got as { cookie: { expires: unknown } }).cookie.expires).toBe('string');
  });

  it('gives all() the reference shape: an object without prototype, keyed by ID', async () => {
    const store = fresh();
    store.set('x', session({ v: 1 }));
    store.set('y', session({ v: 2 }));
    const [err, all] = await call(store as unknown as CallbackStore, 'all');
    expect(err).toBeNull();
    expect(Object.getPrototypeOf(all)).toBeNull();
    expect(Object.keys(all as object).sort()).toEqual(['x', 'y']);
    expect((all as Record<string, { v: number }>).y!.v).toBe(2);
  });

  it('lists IDs through ids()', async () => {
    const store = fresh();
    for (const id of ['one', 'two', 'three']) store.set(id, session());
    const ids = await new Promise<string[]>((resolve, reject) => store.ids((err, list) => (err ? reject(err) : resolve(list!))));
    expect(ids.sort()).toEqual(['one', 'three', 'two']);
  });

  it('calls every callback asynchronously and exactly once', async () => {
    const store = fresh();
    const counts = new Map<string, number>();
    let synchronous = true;
    const cb = (name: string) => () => {
      expect(synchronous, `${name} called back synchronously`).toBe(false);
      counts.set(name, (counts.get(name) ?? 0) + 1);
    };
    store.set('a', session(), cb('set'));
    store.get('a', cb('get'));
    store.get('zzz', cb('get-miss'));
    store.touch('a', session(), cb('touch'));
    store.all(cb('all'));
    store.length(cb('length'));
    store.ids(cb('ids'));
    store.destroy('a', cb('destroy'));
    store.set(42 as unknown as string, session(), cb('set-bad'));
    store.get(null as unknown as string, cb('get-bad'));
    store.clear(cb('clear'));
    synchronous = false;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(11);
  });

  it('accepts writes without a callback', async () => {
    const store = fresh();
    store.set('a', session({ v: 1 }));
    store.touch('a', session({ v: 1 }));
    store.destroy('b');
    store.clear();
    store.set('c', session({ v: 3 }));
    const [, got] = await call(store as unknown as CallbackStore, 'get', 'c');
    expect(got).toMatchObject({ v: 3 });
  });
});

describe('MemoryStore errors', () => {
  it('rejects a session ID that is not a string with ERR_SESSION_ID_INVALID, for every method', async () => {
    const store = fresh() as unknown as CallbackStore;
    for (const [method, ...args] of [
      ['get', 1],
      ['set', undefined, session()],
      ['touch', {}, session()],
      ['destroy', null],
    ] as Array<[keyof CallbackStore, ...unknown[]]>) {
      const [err] = await call(store, method, ...args);
      expect(err, method).toBeInstanceOf(Error);
      expect((err as { code: string }).code, method).toBe('ERR_SESSION_ID_INVALID');
    }
  });

  it('rejects an ID longer than the key buffer', async () => {
    const store = fresh() as unknown as CallbackStore;
    const [err] = await call(store, 'set', 'é'.repeat(5000), session());
    expect((err as { code: string }).code).toBe('ERR_SESSION_ID_INVALID');
  });

  it('rejects a session larger than maxBytes with ERR_SESSION_TOO_LARGE and keeps the others', async () => {
    const store = fresh({ maxBytes: 1024 * 1024 });
    store.set('keep', session({ v: 1 }));
    const [err] = await call(store as unknown as CallbackStore, 'set', 'big', session({ blob: 'x'.repeat(2 * 1024 * 1024) }));
    expect((err as { code: string }).code).toBe('ERR_SESSION_TOO_LARGE');
    const [, kept] = await call(store as unknown as CallbackStore, 'get', 'keep');
    expect(kept).toMatchObject({ v: 1 });
  });

  it('reports a session that cannot be serialised with ERR_SESSION_SERIALIZE', async () => {
    const store = fresh();
    const circular: Record<string, unknown> = session();
    circular.self = circular;
    const [err] = await call(store as unknown as CallbackStore, 'set', 'c', circular);
    expect((err as { code: string }).code).toBe('ERR_SESSION_SERIALIZE');
    const [err2] = await call(store as unknown as CallbackStore, 'set', 'd', { ...session(), n: 10n });
    expect((err2 as { code: string }).code).toBe('ERR_SESSION_SERIALIZE');
  });
});

describe('MemoryStore options', () => {
  it.each([
    [{ maxBytes: 10 }, /options\.maxBytes must be/],
    [{ maxBytes: 1024 * 1024 + 0.5 }, /options\.maxBytes must be/],
    [{ maxBytes: 4 * 1024 ** 3 }, /options\.maxBytes must be/],
    [{ maxEntries: 0 }, /options\.maxEntries must be/],
    [{ maxEntries: -1 }, /options\.maxEntries must be/],
    [{ ttl: 0 }, /options\.ttl must be/],
    [{ ttl: 'soon' }, /options\.ttl must be/],
    [{ sweepInterval: -5 }, /options\.sweepInterval must be/],
    [{ sweepInterval: NaN }, /options\.sweepInterval must be/],
  ])('rejects %o', (options, message) => {
    expect(() => new MemoryStore(options as never)).toThrow(TypeError);
    expect(() => new MemoryStore(options as never)).toThrow(message);
  });

  it('accepts no options, as the reference constructor does', () => {
    const store = fresh();
    expect(store.stats()).toMatchObject({ entries: 0, bytes: 0, maxBytes: 128 * 1024 * 1024 });
  });
});
