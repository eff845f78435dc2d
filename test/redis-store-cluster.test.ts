/**
 * RedisStore on a real Redis Cluster of three masters: sessions spread over
 * every node, and still every method, the merge on save, destroy wins and the
 * per-user index work, since every command and script touches one key (a
 * session's, or one user's set). connect-redis reads what it wrote there too.
 */
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import { createCluster } from 'redis';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { startRedisCluster, type RedisCluster } from './helpers/redis-cluster';
import { skipWithoutRedis } from './helpers/redis-server';
import { get } from './helpers/lmdb';

const require = createRequire(import.meta.url);
const { createApp } = require('./fixtures/concurrency/app.js') as { createApp: (pkg: unknown, store: unknown) => any };

const data = (extra: object = {}) => ({ cookie: { originalMaxAge: 60_000, expires: new Date(Date.now() + 60_000).toISOString(), httpOnly: true, path: '/' }, ...extra });

describe.skipIf(skipWithoutRedis)('RedisStore on a 3-master Redis Cluster (createCluster)', () => {
  let cluster: RedisCluster;
  let client: ReturnType<typeof createCluster>;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = createCluster({ rootNodes: cluster.ports.map((port) => ({ url: `redis://127.0.0.1:${port}` })) });
    client.on('error', () => {});
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await cluster?.close();
  });

  it('keeps connect-redis key names, so sessions land on every master', async () => {
    const store = new session.RedisStore({ client, prefix: 'c1:' });
    for (let i = 0; i < 30; i++) await store.set(`s${i}`, data({ i }));
    const perNode = await Promise.all(client.masters.map(async (master) => (await client.nodeClient(master)).dbSize()));
    expect(perNode.every((n) => n > 0)).toBe(true);
    expect(await store.length()).toBe(30);
    expect((await store.ids())!.length).toBe(30);
    expect(Object.keys((await store.all())!)).toHaveLength(30);
    expect(await new ConnectRedisStore({ client, prefix: 'c1:' }).get('s7')).toMatchObject({ i: 7 });
    await store.clear();
    expect(await store.length()).toBe(0);
  });

  it('merges concurrent requests\' saves on the node that holds the session, and a logout wins over a save in flight', async () => {
    const store = new session.RedisStore({ client, prefix: 'c2:' });
    const server: Server = await new Promise((resolve) => {
      const s = createApp(session, store).listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    try {
      const cookie = (await get(port, '/init')).cookie!;
      const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((key) => get(port, `/set/${key}?rand=20`, cookie)));
      const { data, id } = (await get<{ data: Record<string, unknown>; id: string }>(port, '/read', cookie)).body;
      expect(keys.filter((key) => data[key] === key)).toHaveLength(30);
      await Promise.all([get(port, '/set/late?wait=30', cookie), get(port, '/logout?wait=5', cookie)]);
      expect(await store.get(id)).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('idsOf and destroyAllOf reach a user\'s sessions on every node', async () => {
    const store = new session.RedisStore({ client, prefix: 'c3:', userKey: 'userId' });
    const sids = Array.from({ length: 12 }, (_, i) => `u${i}`);
    for (const sid of sids) await store.set(sid, data({ userId: 'ann' }));
    await store.set('other', data({ userId: 'bob' }));
    expect((await store.idsOf('ann')).sort()).toEqual([...sids].sort());
    expect(await store.destroyAllOf('ann', 'u0')).toBe(11);
    expect(await store.idsOf('ann')).toEqual(['u0']);
    expect(await store.get('u5')).toBeNull();
    expect(await store.idsOf('bob')).toEqual(['other']);
    await store.clear();
    expect(await store.idsOf('bob')).toEqual([]);
  });
});
