/**
 * connect-redis derives a key's TTL from the cookie's expiry (or its own `ttl`
 * when the cookie has none) and answers the middleware's touch with EXPIRE.
 * The TTLs are read back with the Redis client, the way an operator would.
 */
import { RedisStore } from 'connect-redis';
import express from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './helpers/redis-app';
import { reference, session } from './helpers/package';
import { redisForSuite, skipWithoutRedis, type RedisClient } from './helpers/redis-server';

type Factory = typeof session;
type StoreOptions = ConstructorParameters<typeof RedisStore>[0];

describe.skipIf(skipWithoutRedis)('Redis TTL and touch through connect-redis', () => {
  const redis = redisForSuite();
  let client: RedisClient;
  let prefixes = 0;
  beforeAll(() => {
    client = redis.client;
  });

  function setup(factory: Factory, options: { maxAge?: number; store?: Partial<StoreOptions> } = {}) {
    const prefix = `ttl${++prefixes}:`;
    const store = new RedisStore({ client, prefix, ...options.store });
    const app = express();
    app.use(factory({ secret: 's', resave: false, saveUninitialized: false, store, cookie: { maxAge: options.maxAge } }));
    app.get('/count', (req, res) => {
      req.session.count = ((req.session.count as number | undefined) ?? 0) + 1;
      res.json({ count: req.session.count, id: req.sessionID });
    });
    // Reads without modifying: the middleware touches instead of saving.
    app.get('/peek', (req, res) => {
      res.json({ count: req.session.count ?? null, id: req.sessionID });
    });
    const start = async () => {
      const first = await request(app).get('/count');
      return { id: first.body.id as string, key: prefix + first.body.id, cookie: first.headers['set-cookie'][0].split(';')[0] as string };
    };
    return { app, start };
  }

  it.each([
    ['this package', session],
    ['express-session', reference],
  ] as const)('sets the key TTL from cookie.maxAge (%s)', async (_, factory) => {
    const { start } = setup(factory, { maxAge: 60_000 });
    const { key } = await start();
    const ttl = await client.ttl(key);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('falls back to the store’s ttl option for a browser-session cookie (no maxAge)', async () => {
    const { start } = setup(session, { store: { ttl: 120 } });
    expect(await client.ttl((await start()).key)).toBeGreaterThan(115);
    const defaults = setup(session);
    // connect-redis's default: one day.
    expect(await client.ttl((await defaults.start()).key)).toBeGreaterThan(86_000);
  });

  it.each([
    ['this package', session],
    ['express-session', reference],
  ] as const)('touch on an unmodified request extends the TTL without rewriting the data (%s)', async (_, factory) => {
    const { app, start } = setup(factory, { maxAge: 60_000 });
    const { key, cookie } = await start();
    await client.expire(key, 5);
    // Changed behind the app's back: a save would overwrite it, a touch must not.
    const stored = JSON.parse((await client.get(key))!) as Record<string, unknown>;
    await client.set(key, JSON.stringify({ ...stored, count: 7 }), { KEEPTTL: true });

    const peek = await request(app).get('/peek').set('Cookie', cookie);
    expect(peek.body.count).toBe(7);
    expect(await client.ttl(key)).toBeGreaterThan(55);
    expect(JSON.parse((await client.get(key))!).count).toBe(7);
  });

  it('leaves the TTL alone when the store disables touch', async () => {
    const { app, start } = setup(session, { maxAge: 60_000, store: { disableTouch: true } });
    const { key, cookie } = await start();
    await client.expire(key, 5);
    await request(app).get('/peek').set('Cookie', cookie);
    expect(await client.ttl(key)).toBeLessThanOrEqual(5);
  });

  it('a modified session is saved with a fresh TTL', async () => {
    const { app, start } = setup(session, { maxAge: 60_000 });
    const { key, cookie } = await start();
    await client.expire(key, 5);
    const second = await request(app).get('/count').set('Cookie', cookie);
    expect(second.body.count).toBe(2);
    expect(await client.ttl(key)).toBeGreaterThan(55);
  });

  it('once Redis expires the key, the old cookie starts a new session', async () => {
    const { app, start } = setup(session, { maxAge: 1_000 });
    const { id, key, cookie } = await start();
    // A real TTL (not -1) of about a second; rounding may already show 0.
    expect([0, 1]).toContain(await client.ttl(key));
    await waitUntil(async () => (await client.exists(key)) === 0);
    const again = await request(app).get('/count').set('Cookie', cookie);
    expect(again.body.count).toBe(1);
    expect(again.body.id).not.toBe(id);
  });
});
