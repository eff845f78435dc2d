/**
 * The normal case: express-session is installed beside this package, so
 * connect-redis's RedisStore extends express-session's own Store, and this
 * middleware drives it through the callback API. Every scenario runs with
 * both middlewares and must leave the same traces in Redis.
 */
import { RedisStore } from 'connect-redis';
import express from 'express';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { reference, session } from './helpers/package';
import { redisForSuite, skipWithoutRedis, type RedisClient } from './helpers/redis-server';

type Factory = typeof session;

describe.skipIf(skipWithoutRedis)('connect-redis as the store (express-session installed beside)', () => {
  const redis = redisForSuite();
  let client: RedisClient;
  beforeAll(() => {
    client = redis.client;
  });

  function appWith(factory: Factory, store: RedisStore) {
    const app = express();
    app.use(factory({ secret: 'keyboard cat', resave: false, saveUninitialized: false, store, cookie: { maxAge: 60_000 } }));
    app.get('/count', (req, res) => {
      req.session.count = ((req.session.count as number | undefined) ?? 0) + 1;
      res.json({ count: req.session.count, id: req.sessionID });
    });
    app.get('/peek', (req, res) => {
      res.json({ count: req.session.count ?? null, id: req.sessionID });
    });
    app.get('/reload', (req, res, next) => {
      req.session.reload((err) => (err ? next(err) : res.json({ count: req.session.count })));
    });
    app.get('/regenerate', (req, res, next) => {
      const previous = req.sessionID;
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.count = 100;
        res.json({ previous, id: req.sessionID });
      });
    });
    app.get('/destroy', (req, res, next) => {
      req.session.destroy((err) => (err ? next(err) : res.json({ destroyed: true })));
    });
    return app;
  }

  /** Set-Cookie with the signed ID and the expiry masked, the parts that differ between runs. */
  function cookieShape(header: string[] | undefined): string | undefined {
    return header?.[0]
      ?.replace(/^connect\.sid=[^;]+/, 'connect.sid=ID')
      .replace(/Expires=[^;]+/, 'Expires=DATE');
  }

  async function storedJSON(key: string): Promise<Record<string, unknown> | null> {
    const text = await client.get(key);
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  }

  /** Runs one user journey and records what a user and an operator would see. */
  async function journey(factory: Factory, prefix: string) {
    const store = new RedisStore({ client, prefix });
    const app = appWith(factory, store);
    const trace: Record<string, unknown> = {};

    const untouched = await request(app).get('/peek');
    trace.untouched = { setCookie: untouched.headers['set-cookie'] ?? null, keys: await client.keys(`${prefix}*`) };

    const first = await request(app).get('/count');
    const id = first.body.id as string;
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    const stored = await storedJSON(prefix + id);
    const storedCookie = stored!.cookie as Record<string, unknown>;
    storedCookie.expires = 'DATE';
    // Both packages read originalMaxAge back through maxAge right after setting expires, so a millisecond may pass in between.
    expect(storedCookie.originalMaxAge).toBeGreaterThanOrEqual(59_999);
    expect(storedCookie.originalMaxAge).toBeLessThanOrEqual(60_000);
    storedCookie.originalMaxAge = 60_000;
    trace.first = { count: first.body.count, setCookie: cookieShape(first.headers['set-cookie']), stored };

    const second = await request(app).get('/count').set('Cookie', cookie);
    trace.second = { count: second.body.count, sameId: second.body.id === id, setCookie: cookieShape(second.headers['set-cookie']) };

    await client.set(prefix + id, JSON.stringify({ ...(await storedJSON(prefix + id)), count: 50 }));
    const reloaded = await request(app).get('/reload').set('Cookie', cookie);
    trace.reload = reloaded.body;

    const loaded = await new Promise<unknown>((resolve, reject) =>
      store.load(id, (err, sess) => (err ? reject(err) : resolve((sess as { count?: unknown } | undefined)?.count))),
    );
    trace.load = loaded;

    const regenerated = await request(app).get('/regenerate').set('Cookie', cookie);
    const newId = regenerated.body.id as string;
    trace.regenerate = {
      newId: newId !== id,
      oldKey: await client.exists(prefix + id),
      newCount: (await storedJSON(prefix + newId))?.count,
      cookieCarriesNewId: regenerated.headers['set-cookie'][0].includes(newId),
    };

    const newCookie = regenerated.headers['set-cookie'][0].split(';')[0];
    const destroyed = await request(app).get('/destroy').set('Cookie', newCookie);
    trace.destroy = { status: destroyed.status, setCookie: destroyed.headers['set-cookie'] ?? null, key: await client.exists(prefix + newId) };

    const afterDestroy = await request(app).get('/count').set('Cookie', newCookie);
    trace.afterDestroy = { count: afterDestroy.body.count, newId: afterDestroy.body.id !== newId };
    return trace;
  }

  it('is a subclass of express-session’s Store, and the middleware equips it with generate', () => {
    const store = new RedisStore({ client });
    expect(store).toBeInstanceOf(reference.Store);
    expect(store).not.toBeInstanceOf(session.Store);
    session({ secret: 's', resave: false, saveUninitialized: false, store });
    expect(typeof store.generate).toBe('function');
  });

  it('leaves the same traces in Redis and in the responses as express-session', async () => {
    const ours = await journey(session, 'ours:');
    const theirs = await journey(reference, 'theirs:');
    expect(ours).toEqual(theirs);

    // And the journey itself is what a user expects, not merely the same mistakes.
    expect(ours).toMatchObject({
      untouched: { setCookie: null, keys: [] },
      first: { count: 1, setCookie: 'connect.sid=ID; Path=/; Expires=DATE; HttpOnly' },
      second: { count: 2, sameId: true },
      reload: { count: 50 },
      load: 50,
      regenerate: { newId: true, oldKey: 0, newCount: 100, cookieCarriesNewId: true },
      destroy: { status: 200, setCookie: null, key: 0 },
      afterDestroy: { count: 1, newId: true },
    });
    expect(ours.first).toMatchObject({
      stored: { cookie: { originalMaxAge: 60_000, expires: 'DATE', httpOnly: true, path: '/' }, count: 1 },
    });
  });

  it('treats a cookie whose ID is not in Redis as a new session', async () => {
    const store = new RedisStore({ client, prefix: 'gone:' });
    const app = appWith(session, store);
    const first = await request(app).get('/count');
    await client.del(`gone:${first.body.id}`);
    const again = await request(app).get('/count').set('Cookie', first.headers['set-cookie'][0].split(';')[0]);
    expect(again.body.count).toBe(1);
    expect(again.body.id).not.toBe(first.body.id);
  });

  it('passes a malformed stored value to next(err) as express-session does', async () => {
    const statuses: number[] = [];
    for (const factory of [session, reference]) {
      const store = new RedisStore({ client, prefix: 'bad:' });
      const app = appWith(factory, store);
      const first = await request(app).get('/count');
      await client.set(`bad:${first.body.id}`, '{not json');
      const reply = await request(app).get('/count').set('Cookie', first.headers['set-cookie'][0].split(';')[0]);
      statuses.push(reply.status);
    }
    expect(statuses).toEqual([500, 500]);
  });

  // For a foreign store that does not override createSession, the middleware
  // builds its own Session and Cookie (as it does for new sessions), so a
  // session loaded from Redis takes the same Wasm cookie path.
  it('builds this package’s Session and Cookie for a session loaded from Redis', async () => {
    const store = new RedisStore({ client, prefix: 'class:' });
    const app = express();
    app.use(session({ secret: 's', resave: false, saveUninitialized: false, store }));
    app.get('/', (req, res) => {
      req.session.seen = true;
      res.json({ session: req.session instanceof session.Session, cookie: req.session.cookie instanceof session.Cookie });
    });
    const first = await request(app).get('/');
    expect(first.body).toEqual({ session: true, cookie: true });
    const loaded = await request(app).get('/').set('Cookie', first.headers['set-cookie'][0].split(';')[0]);
    expect(loaded.body).toEqual({ session: true, cookie: true });
  });
});
