/**
 * LmdbStore's per-user index (userKey): kept in sub-databases of the shared
 * environment and written in the same transactions as the sessions, so every
 * process sees the same index, a destroy in one logs the user out in all, and
 * the index survives a restart.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { call, get, removeTempStores, startChild, stopAllChildren, tempStorePath } from './fixtures/lmdb/harness';

afterEach(stopAllChildren);
afterAll(removeTempStores);

const cookie = (extra: object = {}) => ({ cookie: { originalMaxAge: null, path: '/', httpOnly: true }, ...extra });
const put = (store: any, sid: string, data: object) => call((cb) => store.set(sid, cookie(data), cb));
const sorted = (ids: string[]) => [...ids].sort();
const indexSize = (store: any) => store.env.users.getKeysCount() + store.env.userOf.getKeysCount();

function inOtherProcess(dir: string, ...args: string[]): unknown {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'fixtures/concurrency/store-op.js'), dir, ...args]);
  return JSON.parse(out.toString());
}

describe('LmdbStore({ userKey })', () => {
  it('follows saves that change or drop the user and destroys; destroyAllOf keeps the one given', async () => {
    const store = new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0, userKey: 'userId' });
    try {
      for (const sid of ['a1', 'a2', 'a3']) await put(store, sid, { userId: 'ann' });
      await put(store, 'b1', { userId: 'bob', profile: { userId: 'ann' } });
      expect(sorted(await store.idsOf('ann'))).toEqual(['a1', 'a2', 'a3']);
      await put(store, 'a3', { userId: 'bob' });
      expect(sorted(await store.idsOf('bob'))).toEqual(['a3', 'b1']);
      await put(store, 'a3', {});
      expect(await store.idsOf('bob')).toEqual(['b1']);
      expect(await call<number>((cb) => store.destroyAllOf('ann', 'a1', cb))).toBe(1);
      expect(await store.idsOf('ann')).toEqual(['a1']);
      expect(await call((cb) => store.get('a2', cb))).toBeUndefined();
      await call((cb) => store.destroy('a1', cb));
      expect(await store.idsOf('ann')).toEqual([]);
      expect(indexSize(store)).toBe(2); // b1 only, both sides
      await call((cb) => store.clear(cb));
      expect(indexSize(store)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('never lists an expired session; the sweep removes its entry; the index survives a restart', async () => {
    const dir = tempStorePath();
    let store = new session.LmdbStore({ path: dir, sweepInterval: 0, userKey: 'userId', ttl: 40 });
    await put(store, 'short', { userId: 'ann' });
    await put(store, 'long', { userId: 'ann', cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000) } });
    expect(sorted(await store.idsOf('ann'))).toEqual(['long', 'short']);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.idsOf('ann')).toEqual(['long']);
    expect(await store.sweep()).toMatchObject({ removed: 1 });
    expect(indexSize(store)).toBe(2);
    await store.close();

    store = new session.LmdbStore({ path: dir, sweepInterval: 0, userKey: 'userId' });
    try {
      expect(await store.idsOf('ann')).toEqual(['long']);
    } finally {
      await store.close();
    }
  });

  it('across processes: sessions saved by two servers are one index, and destroyAllOf in one logs the user out of both', async () => {
    const dir = tempStorePath();
    const server = '../concurrency/server.js';
    const [a, b] = await Promise.all([startChild(server, [dir, 'userId']), startChild(server, [dir, 'userId'])]);
    const devices = [
      (await get(a.port, '/init?user=ann')).cookie!,
      (await get(b.port, '/init?user=ann')).cookie!,
      (await get(b.port, '/init?user=ann')).cookie!,
    ];
    const ids = await Promise.all(devices.map(async (c, i) => (await get<{ id: string }>((i ? b : a).port, '/read', c)).body.id));
    expect((await get<{ ids: string[] }>(a.port, '/ids?user=ann')).body.ids).toEqual(sorted(ids));
    expect(inOtherProcess(dir, 'idsOf', 'ann')).toEqual(sorted(ids));

    // "Sign out of the other devices" on a: b's sessions are gone too.
    expect((await get<{ ended: number }>(a.port, '/logout-others', devices[0])).body.ended).toBe(2);
    expect((await get<{ ids: string[] }>(b.port, '/ids?user=ann')).body.ids).toEqual([ids[0]]);
    expect((await get<{ data: object }>(b.port, '/read', devices[2])).body.data).toEqual({});
    expect((await get<{ data: object }>(b.port, '/read', devices[0])).body.data).toEqual({ init: true, userId: 'ann' });

    // And from a third process, after a password change: every session ends.
    expect(inOtherProcess(dir, 'destroyAllOf', 'ann')).toBe(1);
    expect((await get<{ ids: string[] }>(a.port, '/ids?user=ann')).body.ids).toEqual([]);
    expect((await get<{ data: object }>(a.port, '/read', devices[0])).body.data).toEqual({});
  });

  it('without userKey the per-user methods fail with ERR_SESSION_NO_USER_KEY', async () => {
    const store = new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 });
    try {
      await expect(store.idsOf('ann')).rejects.toMatchObject({ code: 'ERR_SESSION_NO_USER_KEY' });
      expect(() => new session.LmdbStore({ path: tempStorePath(), userKey: '' } as any)).toThrow(TypeError);
    } finally {
      await store.close();
    }
  });
});
