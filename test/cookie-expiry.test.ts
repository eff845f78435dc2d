/**
 * One expiry rule for every store: the cookie's `expires` as a Date, an ISO
 * string or a number is an epoch time, and a falsy one (0, '', null) is no
 * expiry (the store's ttl applies), as express-session's MemoryStore reads it.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import expressSession from 'express-session';
import { cookieExpiry } from '../src/format/expiry';
import { session } from './helpers/package';
import { useFreshMemoryStores } from './helpers/memory-store';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';

type AnyStore = {
  set(sid: string, sess: object, cb: (err?: unknown) => void): void;
  get(sid: string, cb: (err: unknown, sess?: unknown) => void): void;
};

const HOUR = 3_600_000;
/** Each stored `expires` with what it means; the expectations are checked against the reference too. */
const cases: Array<[string, () => unknown]> = [
  ['numeric 0', () => 0],
  ['empty string', () => ''],
  ['null', () => null],
  ['epoch 0 as a Date', () => new Date(0)],
  ['epoch 0 as an ISO string', () => new Date(0).toISOString()],
  ['a past number', () => Date.now() - HOUR],
  ['a future number', () => Date.now() + HOUR],
  ['a future ISO string', () => new Date(Date.now() + HOUR).toISOString()],
];

async function foundAfterSet(store: AnyStore, sid: string, expires: unknown): Promise<boolean> {
  await call((cb) => store.set(sid, { cookie: { path: '/', httpOnly: true, originalMaxAge: null, expires }, n: 1 }, cb));
  const got = await call<unknown>((cb) => store.get(sid, cb));
  return got != null;
}

const fresh = useFreshMemoryStores();
const lmdbStores: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(lmdbStores.splice(0).map((s) => s.close()));
});
afterAll(removeTempStores);

const stores: Array<[string, () => AnyStore]> = [
  ['MemoryStore', () => fresh({ ttl: HOUR, sweepInterval: 0 }) as unknown as AnyStore],
  [
    'LmdbStore',
    () => {
      const store = new session.LmdbStore({ path: tempStorePath(), ttl: HOUR, sweepInterval: 0 });
      lmdbStores.push(store);
      return store as unknown as AnyStore;
    },
  ],
];

describe('cookie expiry: one rule', () => {
  it.each(cases)('cookieExpiry reads %s as the reference MemoryStore does', async (label, expires) => {
    const reference = await foundAfterSet(new expressSession.MemoryStore() as unknown as AnyStore, 'sid', expires());
    const at = cookieExpiry({ cookie: { expires: expires() } });
    const live = Number.isNaN(at) || at > Date.now();
    expect(live, label).toBe(reference);
  });

  for (const [name, make] of stores) {
    it.each(cases)(`${name} keeps or drops a session whose expires is %s as the reference does`, async (label, expires) => {
      const reference = await foundAfterSet(new expressSession.MemoryStore() as unknown as AnyStore, 'sid', expires());
      expect(await foundAfterSet(make(), 'sid-' + label.replace(/\W/g, '-'), expires()), label).toBe(reference);
    });
  }

  it('a falsy expires is none: NaN, so the ttl applies', () => {
    for (const expires of [0, '', null, undefined, false]) expect(cookieExpiry({ cookie: { expires } })).toBeNaN();
    expect(cookieExpiry({ cookie: { expires: new Date(0) } })).toBe(0);
    expect(cookieExpiry({ cookie: { expires: '1970-01-01T00:00:00.000Z' } })).toBe(0);
  });
});
