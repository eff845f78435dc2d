/**
 * RedisStore's opt-in near-cache (`cache: { maxEntries }`): a read of an
 * unchanged session reads nothing from Redis; a change by another process or
 * client is seen once Redis's invalidation has arrived; this process's own
 * writes are seen at once; a reconnect empties it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { get } from './helpers/lmdb';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const data = (extra: object = {}) => ({ cookie: { originalMaxAge: 600_000, expires: new Date(Date.now() + 600_000).toISOString(), httpOnly: true, path: '/' }, ...extra });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipWithoutRedis)('RedisStore near-cache', () => {
  const redis = redisForSuite();
  const stores: Array<InstanceType<typeof session.RedisStore>> = [];
  /** A store with the near-cache, once it serves (its own connection up and tracking). */
  const cached = async (prefix: string, maxEntries = 100) => {
    const store = new session.RedisStore({ client: redis.client, prefix, cache: { maxEntries } });
    stores.push(store);
    await expect.poll(() => store.stats().cache!.active, { interval: 5, timeout: 10_000 }).toBe(true);
    return store;
  };
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  /** How many GETs Redis has run so far, from INFO commandstats. */
  async function getsRun(): Promise<number> {
    const info = await redis.client.info('commandstats');
    return Number(/cmdstat_get:calls=(\d+)/.exec(info)?.[1] ?? 0);
  }

  it('a second read of an unchanged session sends no GET; a change from another client is seen after its invalidation', async () => {
    const store = await cached('nc1:');
    await redis.client.set('nc1:a', JSON.stringify(data({ v: 1 })), { EX: 600 });
    expect(await store.get('a')).toMatchObject({ v: 1 });
    const before = await getsRun();
    const hits = store.stats().cache!.hits;
    for (let i = 0; i < 20; i++) expect(await store.get('a')).toMatchObject({ v: 1 });
    expect(await getsRun()).toBe(before);
    expect(store.stats().cache!.hits - hits).toBe(20);

    await redis.client.set('nc1:a', JSON.stringify(data({ v: 2 })), { EX: 600 });
    await expect.poll(async () => (await store.get('a'))?.v, { interval: 5, timeout: 2000 }).toBe(2);
    await redis.client.del('nc1:a');
    await expect.poll(() => store.get('a'), { interval: 5, timeout: 2000 }).toBeNull();
  });

  it('this process\'s own writes, touches and destroys are seen at once', async () => {
    const store = await cached('nc2:');
    await store.set('b', data({ v: 1 }));
    expect(await store.get('b')).toMatchObject({ v: 1 });
    await store.set('b', data({ v: 2 }));
    expect(await store.get('b')).toMatchObject({ v: 2 });
    const gets = await getsRun();
    expect(await store.get('b')).toMatchObject({ v: 2 });
    expect(await getsRun()).toBe(gets);
    await store.touch('b', data({ v: 2 }));
    expect(await store.get('b')).toMatchObject({ v: 2 });
    await store.destroy('b');
    expect(await store.get('b')).toBeNull();
  });

  it('reads and writes of one key racing each other, here and from another client: the cache always ends on the last write', async () => {
    const store = await cached('nc6:');
    const other = createClient({ url: redis.server.url });
    await other.connect();
    try {
      for (let round = 0; round < 30; round++) {
        const mine = data({ v: `mine${round}` });
        await Promise.all([store.get('k'), store.set('k', mine), store.get('k'), store.touch('k', mine), store.get('k')]);
        expect(await store.get('k')).toMatchObject({ v: `mine${round}` });
        // Another client writes while this process reads.
        const reads = Promise.all([store.get('k'), store.get('k')]);
        await other.set('nc6:k', JSON.stringify(data({ v: `theirs${round}` })), { EX: 600 });
        await reads;
        await expect.poll(async () => (await store.get('k'))?.v, { interval: 2, timeout: 2000 }).toBe(`theirs${round}`);
        // And stays there: nothing older comes back from the cache.
        for (let i = 0; i < 3; i++) expect((await store.get('k'))?.v).toBe(`theirs${round}`);
      }
    } finally {
      other.destroy();
    }
  });

  it('never serves a session past its Redis TTL', async () => {
    const store = await cached('nc3:');
    await redis.client.set('nc3:short', JSON.stringify(data()), { PX: 300 });
    expect(await store.get('short')).not.toBeNull();
    await pause(350);
    expect(await store.get('short')).toBeNull();
  });

  it('keeps at most maxEntries sessions, dropping the least recently used', async () => {
    const store = await cached('nc4:', 3);
    for (const sid of ['a', 'b', 'c', 'd']) await store.set(sid, data({ sid }));
    for (const sid of ['a', 'b', 'c', 'd']) await store.get(sid);
    expect(store.stats().cache!.entries).toBe(3);
  });

  it('a Redis restart empties it: nothing read before is served from the cache after', async () => {
    const store = await cached('nc5:');
    await store.set('r', data({ v: 1 }));
    expect(await store.get('r')).toMatchObject({ v: 1 });
    await redis.server.stop();
    await redis.server.start();
    // The restarted server has no data (no persistence): a stale cache would still answer v 1.
    await expect.poll(async () => store.get('r').catch(() => 'error'), { interval: 20, timeout: 10_000 }).toBeNull();
  });

  it('is refused on a cluster client', () => {
    const fakeCluster = { get() {}, masters: [], nodeClient() {} };
    expect(() => new session.RedisStore({ client: fakeCluster, cache: { maxEntries: 10 } })).toThrow(/options.cache needs a single Redis client/);
  });
});

describe.skipIf(skipWithoutRedis)('RedisStore near-cache across two server processes', () => {
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

  function startServer(prefix: string): Promise<{ port: number; pid: number }> {
    const child = fork(path.join(__dirname, 'fixtures/redis/store-server.js'), [redis.server.url, prefix, 'userId', '1000'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`store-server exited with ${code}`)));
      child.on('message', (message: { type: string; port: number; pid: number }) => {
        if (message.type === 'listening') resolve(message);
      });
    });
  }

  it('read-only requests are served from the cache, and a change or logout made on the other machine is seen on the next request', async () => {
    const [a, b] = await Promise.all([startServer('ncp:'), startServer('ncp:')]);
    // Each machine's cache serves once its own connection is up and tracking (slower on a loaded machine).
    for (const port of [a.port, b.port]) {
      await expect.poll(async () => (await get<{ cache: { active: boolean } }>(port, '/stats')).body.cache.active, { interval: 10, timeout: 10_000 }).toBe(true);
    }
    const cookie = (await get(a.port, '/init?user=kim')).cookie!;
    await get(a.port, '/read', cookie);
    const hitsBefore = (await get<{ cache: { hits: number } }>(a.port, '/stats')).body.cache.hits;
    for (let i = 0; i < 10; i++) expect((await get<{ data: object }>(a.port, '/read', cookie)).body.data).toEqual({ init: true, userId: 'kim' });
    expect((await get<{ cache: { hits: number } }>(a.port, '/stats')).body.cache.hits - hitsBefore).toBe(10);

    for (let round = 0; round < 10; round++) {
      await get(b.port, `/set/round?value=${round}`, cookie);
      // B's response went out once Redis had the write; its invalidation reaches A meanwhile (a loopback hop; 50 ms leaves room for a loaded machine).
      await pause(50);
      expect((await get<{ data: { round?: string } }>(a.port, '/read', cookie)).body.data.round).toBe(String(round));
    }

    // Concurrent saves on both machines, each with its near-cache: every change survives, and both then read them all.
    const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((key, i) => get(i % 2 ? b.port : a.port, `/set/${key}?rand=15`, cookie)));
    await pause(50);
    for (const port of [a.port, b.port]) {
      const { data } = (await get<{ data: Record<string, unknown> }>(port, '/read', cookie)).body;
      expect(keys.filter((key) => data[key] === key)).toHaveLength(40);
    }

    const other = (await get(b.port, '/init?user=kim')).cookie!;
    expect((await get<{ ended: number }>(b.port, '/logout-others', other)).body.ended).toBe(1);
    await pause(50);
    expect((await get<{ data: object }>(a.port, '/read', cookie)).body.data).toEqual({});
  });
});
