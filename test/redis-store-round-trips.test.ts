/**
 * How many times a request waits for Redis with RedisStore (the issue's
 * round-trip targets), counted as the batches node-redis writes to Redis's
 * sockets: commands issued in one turn go out in one batch and come back
 * together, so batches are round trips.
 */
import type { Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { get } from './helpers/lmdb';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

describe.skipIf(skipWithoutRedis)('Redis round trips per request with RedisStore', () => {
  const redis = redisForSuite();
  let batches = 0;
  const originalUncork = net.Socket.prototype.uncork;
  beforeAll(() => {
    net.Socket.prototype.uncork = function uncork(this: net.Socket) {
      if (this.remotePort === redis.server.port) batches++;
      return originalUncork.call(this);
    };
  });
  afterAll(() => {
    net.Socket.prototype.uncork = originalUncork;
  });

  async function serve(store: InstanceType<typeof session.RedisStore>, cookieOptions: object = {}) {
    const app = express();
    app.use(session({ secret: 'trips', resave: false, saveUninitialized: false, store, cookie: cookieOptions }));
    app.get('/login', (req, res) => {
      (req.session as unknown as { userId: string }).userId = 'ann';
      res.json({ in: true });
    });
    app.get('/modify', (req, res) => {
      const s = req.session as unknown as { n?: number };
      s.n = (s.n ?? 0) + 1;
      res.json(s.n);
    });
    app.get('/read', (req, res) => {
      res.json((req.session as unknown as { n?: number }).n ?? null);
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  /** Round trips of one request (mean of 5), after a few warm-up requests. */
  async function perRequest(port: number, path: string, cookie: string): Promise<number> {
    for (let i = 0; i < 3; i++) await get(port, path, cookie);
    batches = 0;
    const rounds = 5;
    for (let i = 0; i < rounds; i++) expect((await get(port, path, cookie)).status).toBe(200);
    return batches / rounds;
  }

  it('read and modified: 2 (GET, then the merged save); read only: 1 (GET with PTTL; the touch express-session asks for moves the expiry by less than a second), with maxAge too', async () => {
    const store = new session.RedisStore({ client: redis.client, prefix: 'rt1:' });
    const app = await serve(store);
    const touching = await serve(store, { maxAge: 3_600_000 });
    try {
      const cookie = (await get(app.port, '/modify')).cookie!;
      expect(await perRequest(app.port, '/modify', cookie)).toBe(2);
      expect(await perRequest(app.port, '/read', cookie)).toBe(1);
      const touched = (await get(touching.port, '/modify')).cookie!;
      const skippedBefore = store.stats().touchesSkipped;
      expect(await perRequest(touching.port, '/read', touched)).toBe(1);
      expect(store.stats().touchesSkipped - skippedBefore).toBe(8);
    } finally {
      await app.close();
      await touching.close();
    }
  });

  it('with userKey, a save that keeps the user adds no round trip (the index command travels with the save)', async () => {
    const store = new session.RedisStore({ client: redis.client, prefix: 'rt2:', userKey: 'userId' });
    const app = await serve(store);
    try {
      const cookie = (await get(app.port, '/login')).cookie!;
      expect(await perRequest(app.port, '/modify', cookie)).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('with the near-cache: read and modified 1 (the save), read only 0 (a touch within the second is left out), with maxAge too', async () => {
    const store = new session.RedisStore({ client: redis.client, prefix: 'rt3:', cache: { maxEntries: 100 } });
    const app = await serve(store);
    const touching = await serve(store, { maxAge: 3_600_000 });
    try {
      const cookie = (await get(app.port, '/modify')).cookie!;
      await expect.poll(() => store.stats().cache!.active, { interval: 10, timeout: 10_000 }).toBe(true);
      expect(await perRequest(app.port, '/modify', cookie)).toBe(1);
      expect(await perRequest(app.port, '/read', cookie)).toBe(0);
      const touched = (await get(touching.port, '/modify')).cookie!;
      expect(await perRequest(touching.port, '/read', touched)).toBe(0);
      expect(store.stats().cache!.touchesSkipped).toBeGreaterThan(0);
    } finally {
      await app.close();
      await touching.close();
      await store.close();
    }
  });
});
