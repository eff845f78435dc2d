/**
 * The middleware follows a store's 'disconnect' and 'connect' events: while
 * disconnected it serves requests without a session. connect-redis does not
 * emit them itself; an app forwards them from the redis client (see
 * docs/scaling-out.md). These tests pin both halves down.
 */
import { RedisStore } from 'connect-redis';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitUntil, type AppProcess, type Reply } from './helpers/redis-app';
import { reference, session } from './helpers/package';
import { redisForSuite, skipWithoutRedis, type RedisClient, type RedisServer } from './helpers/redis-server';

type Factory = typeof session;

/** Unlike events.once, does not reject on the 'error' events the client emits during an outage. */
function nextEvent(emitter: { once(event: string, listener: () => void): unknown }, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

describe.skipIf(skipWithoutRedis)('store disconnect/connect events with connect-redis', () => {
  const suite = redisForSuite();
  let redis: RedisServer;
  let client: RedisClient;
  const apps: AppProcess[] = [];
  beforeAll(() => {
    ({ server: redis, client } = suite);
  });

  afterEach(async () => {
    await redis.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  it('connect-redis itself emits neither event when Redis goes away and returns', async () => {
    const store = new RedisStore({ client });
    const events: string[] = [];
    store.on('disconnect', () => events.push('disconnect'));
    store.on('connect', () => events.push('connect'));

    const reconnecting = nextEvent(client, 'reconnecting');
    await redis.stop();
    await reconnecting;
    const ready = nextEvent(client, 'ready');
    await redis.start();
    await ready;
    expect(events).toEqual([]);
  });

  async function whileDisconnected(factory: Factory, prefix: string) {
    const store = new RedisStore({ client, prefix });
    const app = express();
    app.use(factory({ secret: 's', resave: false, saveUninitialized: false, store }));
    app.get('/count', (req, res) => {
      if (!req.session) {
        res.status(503).json({ session: false, sessionID: req.sessionID ?? null });
        return;
      }
      req.session.count = ((req.session.count as number | undefined) ?? 0) + 1;
      res.json({ count: req.session.count });
    });

    const first = await request(app).get('/count');
    const cookie = first.headers['set-cookie'][0].split(';')[0];

    store.emit('disconnect');
    const down = await request(app).get('/count').set('Cookie', cookie);
    const downNoCookie = await request(app).get('/count');
    const keysWhileDown = (await client.keys(`${prefix}*`)).length;

    store.emit('connect');
    const up = await request(app).get('/count').set('Cookie', cookie);
    return {
      down: { status: down.status, body: down.body, setCookie: down.headers['set-cookie'] ?? null },
      downNoCookie: { status: downNoCookie.status, setCookie: downNoCookie.headers['set-cookie'] ?? null },
      keysWhileDown,
      up: { status: up.status, body: up.body },
    };
  }

  it('while the store is disconnected, requests pass without a session or cookie; after connect the session is back', async () => {
    const ours = await whileDisconnected(session, 'ev-ours:');
    expect(ours).toEqual({
      down: { status: 503, body: { session: false, sessionID: null }, setCookie: null },
      downNoCookie: { status: 503, setCookie: null },
      keysWhileDown: 1,
      up: { status: 200, body: { count: 2 } },
    });
    expect(await whileDisconnected(reference, 'ev-theirs:')).toEqual(ours);
  });

  it('with the client’s events forwarded, a real outage gives session-less requests and sessions return after it', async () => {
    const app = await startApp({ redisUrl: redis.url, wireStoreEvents: true, offlineQueue: false });
    apps.push(app);
    const first = await app.get('/count');
    expect(first.body.count).toBe(1);

    await redis.stop({ save: true });
    let down!: Reply;
    // The client notices the closed socket at once, but the reply may race it.
    await waitUntil(async () => {
      down = await app.get('/count', first.setCookie);
      return down.status === 503;
    });
    expect(down.body).toEqual({ session: false });
    expect(down.setCookie).toBeUndefined();
    expect(app.exited).toBe(false);

    await redis.start();
    let up!: Reply;
    await waitUntil(async () => {
      up = await app.get('/count', first.setCookie);
      return up.status === 200;
    });
    // The snapshot kept the session, so the counter continues.
    expect(up.body).toMatchObject({ count: 2, id: first.body.id });
    expect(app.exited).toBe(false);
  });
});
