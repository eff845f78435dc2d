/**
 * MemoryStore's per-user index (userKey): idsOf lists a user's live sessions,
 * destroyAllOf ends them, and the index follows saves, destroys, evictions and
 * expiries without ever listing a dead session or outgrowing the store.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { call, get } from './fixtures/lmdb/harness';

const require = createRequire(import.meta.url);
const { createApp } = require('./fixtures/concurrency/app.js') as { createApp: (pkg: unknown, store: unknown) => any };

const cookie = (extra: object = {}) => ({ cookie: { originalMaxAge: null, path: '/', httpOnly: true }, ...extra });
const put = (store: any, sid: string, data: object) => call((cb) => store.set(sid, cookie(data), cb));
const sorted = (ids: string[]) => [...ids].sort();

describe('MemoryStore({ userKey })', () => {
  it('a user signed in on several devices: destroy all but the current one, over HTTP', async () => {
    const store = new session.MemoryStore({ userKey: 'userId' });
    const server: Server = await new Promise((resolve) => {
      const s = createApp(session, store).listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    try {
      const devices = [];
      for (let i = 0; i < 3; i++) devices.push((await get(port, '/init?user=ann')).cookie!);
      const bob = (await get(port, '/init?user=bob')).cookie!;
      const ids = await Promise.all(devices.map(async (c) => (await get<{ id: string }>(port, '/read', c)).body.id));
      expect((await get<{ ids: string[] }>(port, '/ids?user=ann')).body.ids).toEqual(sorted(ids));

      expect((await get<{ ended: number }>(port, '/logout-others', devices[0])).body.ended).toBe(2);
      expect((await get<{ ids: string[] }>(port, '/ids?user=ann')).body.ids).toEqual([ids[0]]);
      // The other devices are signed out; the current one and the other user are untouched.
      expect((await get<{ data: object }>(port, '/read', devices[1])).body.data).toEqual({});
      expect((await get<{ data: object }>(port, '/read', devices[0])).body.data).toEqual({ init: true, userId: 'ann' });
      expect((await get<{ data: object }>(port, '/read', bob)).body.data).toEqual({ init: true, userId: 'bob' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
      store.close();
    }
  });

  it('follows saves that change or drop the user, destroys and clear; the promise and callback forms agree', async () => {
    const store = new session.MemoryStore({ userKey: 'userId', sweepInterval: 0 });
    await put(store, 's1', { userId: 'ann' });
    await put(store, 's2', { userId: 'ann', nested: { userId: 'not this one' } });
    await put(store, 's3', { profile: { userId: 'ann' } }); // nested only: not ann's
    await put(store, 's4', { userId: 42 });
    expect(sorted(await store.idsOf('ann'))).toEqual(['s1', 's2']);
    expect(await call<string[]>((cb) => store.idsOf(42, cb))).toEqual(['s4']);
    expect(await store.idsOf('42')).toEqual([]); // users compare as JSON: 42 is not "42"

    await put(store, 's1', { userId: 'bob' });
    await put(store, 's2', { other: true });
    expect(await store.idsOf('ann')).toEqual([]);
    expect(await store.idsOf('bob')).toEqual(['s1']);
    await call((cb) => store.destroy('s1', cb));
    expect(await store.idsOf('bob')).toEqual([]);

    await put(store, 's5', { userId: 'cy' });
    await put(store, 's6', { userId: 'cy' });
    expect(await call<number>((cb) => store.destroyAllOf('cy', undefined, cb))).toBe(2);
    expect(await call((cb) => store.get('s5', cb))).toBeUndefined();
    await put(store, 's7', { userId: 'cy' });
    store.clear();
    expect(await store.idsOf('cy')).toEqual([]);
    expect(await store.idsOf(42)).toEqual([]);
  });

  it('never lists an expired or evicted session, and stays bounded by the live sessions', async () => {
    const store = new session.MemoryStore({ userKey: 'userId', maxEntries: 10, sweepInterval: 0 });
    for (let i = 0; i < 3000; i++) await put(store, `s${i}`, { userId: i % 2 ? 'odd' : 'even' });
    const live = [...(await store.idsOf('odd')), ...(await store.idsOf('even'))];
    expect(live.length).toBe(10);
    for (const sid of live) expect(await call((cb) => store.get(sid, cb))).toMatchObject({ userId: expect.any(String) });
    // Evicted sessions are forgotten as the index grows: at most twice the live sessions plus a fixed slack.
    expect((store as any).users.size).toBeLessThanOrEqual(2 * 10 + 1024);

    const expiring = new session.MemoryStore({ userKey: 'userId', ttl: 30, sweepInterval: 0 });
    await put(expiring, 'short', { userId: 'ann' });
    await put(expiring, 'long', { userId: 'ann', cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) } });
    expect(sorted(await expiring.idsOf('ann'))).toEqual(['long', 'short']);
    await new Promise((r) => setTimeout(r, 60));
    expect(await expiring.idsOf('ann')).toEqual(['long']);
    expect((expiring as any).users.size).toBe(1);
    store.close();
    expiring.close();
  });

  it('looking sessions up is not a use: the LRU order and hit counters stay', async () => {
    const store = new session.MemoryStore({ userKey: 'userId', maxEntries: 2, sweepInterval: 0 });
    await put(store, 'old', { userId: 'ann' });
    await put(store, 'newer', { userId: 'bob' });
    expect(await store.idsOf('ann')).toEqual(['old']);
    expect(store.stats()).toMatchObject({ hits: 0, misses: 0 });
    await put(store, 'newest', { userId: 'cy' }); // evicts the least recently used: still 'old'
    expect(await store.idsOf('ann')).toEqual([]);
    expect(await store.idsOf('bob')).toEqual(['newer']);
    store.close();
  });

  it('without userKey the per-user methods fail with ERR_SESSION_NO_USER_KEY; a bad userKey is a TypeError', async () => {
    const store = new session.MemoryStore({ sweepInterval: 0 });
    await expect(store.idsOf('ann')).rejects.toMatchObject({ code: 'ERR_SESSION_NO_USER_KEY' });
    const err = await new Promise((resolve) => store.destroyAllOf('ann', undefined, resolve));
    expect(err).toMatchObject({ code: 'ERR_SESSION_NO_USER_KEY' });
    for (const userKey of ['', 'cookie', 42]) expect(() => new session.MemoryStore({ userKey } as any)).toThrow(TypeError);
  });
});
