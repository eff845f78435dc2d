/**
 * RedisStore under concurrent requests: a save merges at the top-level key
 * with what Redis holds when it is written (format/merge.ts, atomically by a
 * compare-and-set script), a session destroyed meanwhile stays destroyed, and
 * the per-user index is one for every process. First in one process, then
 * across two server processes with separate clients (two "machines").
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { get } from './helpers/lmdb';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const require = createRequire(import.meta.url);
const { createApp } = require('./fixtures/concurrency/app.js') as { createApp: (pkg: unknown, store: unknown) => any };

type Data = Record<string, unknown>;

async function serve(store: unknown): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = createApp(session, store).listen(0, '127.0.0.1', () => resolve(s));
  });
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function login(port: number, user?: string): Promise<string> {
  const reply = await get(port, user === undefined ? '/init' : `/init?user=${user}`);
  expect(reply.cookie).toBeDefined();
  return reply.cookie!;
}
const read = async (port: number, cookie: string) => (await get<{ data: Data; id: string }>(port, '/read', cookie)).body;

let prefixes = 0;
const freshPrefix = () => `merge${++prefixes}:`;

describe.skipIf(skipWithoutRedis)('RedisStore: concurrent requests on one session, one process', () => {
  const redis = redisForSuite();
  const withApp = async (test: (port: number, store: InstanceType<typeof session.RedisStore>) => Promise<void>) => {
    const store = new session.RedisStore({ client: redis.client, prefix: freshPrefix(), userKey: 'userId' });
    const app = await serve(store);
    try {
      await test(app.port, store);
    } finally {
      await app.close();
    }
  };

  it('50 requests, each setting its own key after a random 0-20 ms wait: all 50 keys survive', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      const replies = await Promise.all(keys.map((key) => get(port, `/set/${key}?rand=20`, cookie)));
      expect(replies.map((r) => r.status)).toEqual(keys.map(() => 200));
      const { data } = await read(port, cookie);
      expect(keys.filter((key) => data[key] === key)).toHaveLength(50);
      expect(data.init).toBe(true);
    }));

  it('64 connections of one browser saving the same key without pause: every request answers 200', () =>
    withApp(async (port) => {
      // What the bench's read-and-modify rounds do. Each save of the session must land, however many overtake it.
      const cookie = await login(port);
      const statuses: number[] = [];
      await Promise.all(
        Array.from({ length: 64 }, async (_, connection) => {
          for (let i = 0; i < 25; i++) statuses.push((await get(port, `/set/views?value=${connection}-${i}`, cookie)).status);
        }),
      );
      expect(statuses).toHaveLength(1600);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      const { data } = await read(port, cookie);
      expect(String(data.views)).toMatch(/^\d+-24$/);
    }));

  it('a delete and a change of another key both stay; the same key changed twice: the last writer wins', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      await get(port, '/set/gone?value=x', cookie);
      await Promise.all([get(port, '/del/gone?wait=5', cookie), get(port, '/set/kept?value=y&wait=20', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, kept: 'y' });
      await Promise.all([get(port, '/set/same?value=first&wait=5', cookie), get(port, '/set/same?value=last&wait=25', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, kept: 'y', same: 'last' });
    }));

  it('an explicit save() merges too, and so does the save at the end of its request', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      await Promise.all([get(port, '/save-then-set/mid?wait=5', cookie), get(port, '/set/other?value=o&wait=15', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, mid: 'saved', mid_after: 'end', other: 'o' });
    }));

  it('a logout racing a save: the session loaded before the destroy is not written back after it', () =>
    withApp(async (port, store) => {
      const cookie = await login(port, 'ann');
      const { id } = await read(port, cookie);
      await Promise.all([get(port, '/set/late?wait=30', cookie), get(port, '/logout?wait=5', cookie)]);
      expect(await store.get(id)).toBeNull();
      expect(await redis.client.exists(`${store.prefix}${id}`)).toBe(0);
      const after = await read(port, cookie);
      expect(after.id).not.toBe(id);
      expect(after.data).toEqual({});
    }));

  it('a write from elsewhere between load and save (a non-flat value, a Date) is kept key by key', () =>
    withApp(async (port, store) => {
      const cookie = await login(port);
      const { id } = await read(port, cookie);
      const stored = (await store.get(id))!;
      const when = new Date(Date.UTC(2030, 0, 2));
      const racing = get(port, '/set/mine?value=m&wait=20', cookie);
      await new Promise((r) => setTimeout(r, 5));
      await store.set(id, { ...stored, when, nested: { deep: [1, { x: 2 }] } });
      await racing;
      expect((await read(port, cookie)).data).toEqual({ init: true, mine: 'm', when: when.toISOString(), nested: { deep: [1, { x: 2 }] } });
    }));

  it('a save that changed nothing of the data but the cookie keeps what another process wrote', () =>
    withApp(async (port, store) => {
      const cookie = await login(port);
      const { id } = await read(port, cookie);
      // /read changes nothing, so no save: change behind its back, then a request that touches only its own key.
      const racing = get(port, '/set/a?value=1&wait=20', cookie);
      await new Promise((r) => setTimeout(r, 5));
      await store.set(id, { ...(await store.get(id))!, b: 2 });
      await racing;
      expect((await read(port, cookie)).data).toEqual({ init: true, a: '1', b: 2 });
    }));

  it('the per-user index follows saves, user changes and destroys; destroyAllOf spares the one given', async () => {
    const store = new session.RedisStore({ client: redis.client, prefix: freshPrefix(), userKey: 'userId' });
    const data = (extra: object) => ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000), path: '/', httpOnly: true }, ...extra });
    for (const sid of ['a1', 'a2', 'a3']) await store.set(sid, data({ userId: 'ann' }));
    await store.set('b1', data({ userId: 'bob', profile: { userId: 'ann' } }));
    expect((await store.idsOf('ann')).sort()).toEqual(['a1', 'a2', 'a3']);
    await store.set('a3', data({ userId: 'bob' }));
    expect((await store.idsOf('bob')).sort()).toEqual(['a3', 'b1']);
    expect((await store.idsOf('ann')).sort()).toEqual(['a1', 'a2']);
    expect(await store.destroyAllOf('ann', 'a1')).toBe(1);
    expect(await store.idsOf('ann')).toEqual(['a1']);
    expect(await store.get('a2')).toBeNull();
    await store.destroy('a1');
    expect(await store.idsOf('ann')).toEqual([]);
    // 42 and "42" are different users, as in our other stores.
    await store.set('n', data({ userId: 42 }));
    expect(await store.idsOf('42')).toEqual([]);
    expect(await store.idsOf(42)).toEqual(['n']);
    expect(await store.idsOf(null)).toEqual([]);
  });

  it('index entries leave with their session: the set expires with its longest-lived session, and touch stretches it', async () => {
    const prefix = freshPrefix();
    const store = new session.RedisStore({ client: redis.client, prefix, userKey: 'userId' });
    const lasting = (seconds: number) => ({ cookie: { originalMaxAge: seconds * 1000, expires: new Date(Date.now() + seconds * 1000), path: '/' }, userId: 'cat' });
    await store.set('short', lasting(2));
    const indexKey = `sess-users:${prefix}"cat"`;
    const first = await redis.client.pTTL(indexKey);
    expect(first).toBeGreaterThan(1000);
    expect(first).toBeLessThanOrEqual(2000);
    await store.set('long', lasting(50));
    expect(await redis.client.pTTL(indexKey)).toBeGreaterThan(40_000);
    await store.touch('long', lasting(500));
    expect(await redis.client.pTTL(indexKey)).toBeGreaterThan(490_000);
    // A shorter session never shortens it.
    await store.set('short2', lasting(3));
    expect(await redis.client.pTTL(indexKey)).toBeGreaterThan(490_000);
    await redis.client.del(`${prefix}long`);
    expect((await store.idsOf('cat')).sort()).toEqual(['short', 'short2']);
    expect((await redis.client.sMembers(indexKey)).sort()).toEqual(['short', 'short2']);
  });
});

describe.skipIf(skipWithoutRedis)('RedisStore: two server processes, two clients, one Redis', () => {
  const redis = redisForSuite();
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  });

  function startServer(prefix: string, userKey = 'userId'): Promise<{ port: number; pid: number }> {
    const child = fork(path.join(__dirname, 'fixtures/redis/store-server.js'), [redis.server.url, prefix, userKey], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`store-server exited with ${code}`)));
      child.on('message', (message: { type: string; port: number; pid: number }) => {
        if (message.type === 'listening') resolve(message);
      });
    });
  }

  it('60 concurrent requests split over both machines, each setting its own key: every key survives', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([startServer(prefix), startServer(prefix)]);
    expect(a.pid).not.toBe(b.pid);
    const cookie = await login(a.port);
    const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const replies = await Promise.all(keys.map((key, i) => get<{ pid: number }>(i % 2 ? b.port : a.port, `/set/${key}?rand=20`, cookie)));
    expect(new Set(replies.map((r) => r.body.pid))).toEqual(new Set([a.pid, b.pid]));
    const { data } = await read(b.port, cookie);
    expect(keys.filter((key) => data[key] === key)).toHaveLength(60);
  });

  it('a logout on one machine wins over a save in flight on the other', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([startServer(prefix), startServer(prefix)]);
    const cookie = await login(a.port, 'ann');
    const { id } = await read(a.port, cookie);
    await Promise.all([get(a.port, '/set/late?wait=40', cookie), get(b.port, '/logout?wait=5', cookie)]);
    expect(await redis.client.exists(prefix + id)).toBe(0);
  });

  it('destroyAllOf on one machine logs the user out of sessions made on the other; idsOf agrees on both', async () => {
    const prefix = freshPrefix();
    const [a, b] = await Promise.all([startServer(prefix), startServer(prefix)]);
    const onA = await login(a.port, 'zoe');
    const onB1 = await login(b.port, 'zoe');
    const onB2 = await login(b.port, 'zoe');
    await login(b.port, 'max');
    const idsA = (await get<{ ids: string[] }>(a.port, '/ids?user=zoe')).body.ids;
    const idsB = (await get<{ ids: string[] }>(b.port, '/ids?user=zoe')).body.ids;
    expect(idsA).toHaveLength(3);
    expect(idsB).toEqual(idsA);
    const ended = await get<{ ended: number }>(a.port, '/logout-others', onA);
    expect(ended.body.ended).toBe(2);
    // The other machine's sessions are gone: their next requests start over.
    for (const cookie of [onB1, onB2]) expect((await read(b.port, cookie)).data).toEqual({});
    expect((await read(b.port, onA)).data).toEqual({ init: true, userId: 'zoe' });
    expect((await get<{ ids: string[] }>(b.port, '/ids?user=zoe')).body.ids).toHaveLength(1);
    expect((await get<{ ids: string[] }>(a.port, '/ids?user=max')).body.ids).toHaveLength(1);
  });
});
