/**
 * Moving between connect-redis and RedisStore on a live Redis logs nobody
 * out: each reads what the other wrote under the same prefix, a session
 * continues across the switch in both directions, and the keys they leave
 * (names, values, TTLs) are the same.
 */
import { RedisStore as ConnectRedisStore } from 'connect-redis';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { reference, session } from './helpers/package';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const SECRET = 'keyboard cat';

describe.skipIf(skipWithoutRedis)('RedisStore and connect-redis on one Redis', () => {
  const redis = redisForSuite();

  function counterApp(middleware: express.RequestHandler) {
    const app = express();
    app.use(middleware);
    app.get('/count', (req, res) => {
      const s = req.session as unknown as { count?: number };
      s.count = (s.count ?? 0) + 1;
      res.json({ count: s.count, id: req.sessionID });
    });
    return app;
  }
  const ours = (prefix: string) =>
    counterApp(session({ secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 }, store: new session.RedisStore({ client: redis.client, prefix }) }) as express.RequestHandler);
  const theirs = (prefix: string) =>
    counterApp(reference({ secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 }, store: new ConnectRedisStore({ client: redis.client, prefix }) }) as unknown as express.RequestHandler);

  it('a session begun under express-session + connect-redis continues under wasm-session + RedisStore', async () => {
    const first = await request(theirs('move1:')).get('/count');
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    const next = await request(ours('move1:')).get('/count').set('Cookie', cookie);
    expect(next.body).toEqual({ count: 2, id: first.body.id });
    const stored = JSON.parse((await redis.client.get(`move1:${first.body.id}`))!);
    expect(stored.count).toBe(2);
  });

  it('and the way back: begun under RedisStore, continued under connect-redis', async () => {
    const first = await request(ours('move2:')).get('/count');
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    const next = await request(theirs('move2:')).get('/count').set('Cookie', cookie);
    expect(next.body).toEqual({ count: 2, id: first.body.id });
    const again = await request(ours('move2:')).get('/count').set('Cookie', cookie);
    expect(again.body).toEqual({ count: 3, id: first.body.id });
  });

  it('express-session itself runs on RedisStore too (its saves are plain upserts, as with connect-redis)', async () => {
    const app = counterApp(reference({ secret: SECRET, resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 }, store: new session.RedisStore({ client: redis.client, prefix: 'ref-on-ours:' }) }) as unknown as express.RequestHandler);
    const first = await request(app).get('/count');
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    expect((await request(app).get('/count').set('Cookie', cookie)).body).toEqual({ count: 2, id: first.body.id });
    expect(await redis.client.ttl(`ref-on-ours:${first.body.id}`)).toBe(60);
  });

  it('store to store: each gets what the other set, and both write the same value with the same TTL', async () => {
    const mine = new session.RedisStore({ client: redis.client, prefix: 'same:' });
    const other = new ConnectRedisStore({ client: redis.client, prefix: 'same:' });
    const data = { cookie: { originalMaxAge: 90_000, expires: new Date(Date.now() + 90_000).toISOString(), httpOnly: true, path: '/' }, user: 'ann', n: [1, 2] };
    await mine.set('a', data);
    await other.set('b', data);
    expect(await redis.client.get('same:a')).toBe(await redis.client.get('same:b'));
    expect(await redis.client.ttl('same:a')).toBe(await redis.client.ttl('same:b'));
    expect(await other.get('a')).toEqual(data);
    expect(await mine.get('b')).toEqual(data);

    // A cookie without expires: both fall back to the same ttl option, in seconds.
    const browserSession = { ...data, cookie: { ...data.cookie, expires: null, originalMaxAge: null } };
    await new session.RedisStore({ client: redis.client, prefix: 'same:', ttl: 500 }).set('c', browserSession);
    await new ConnectRedisStore({ client: redis.client, prefix: 'same:', ttl: 500 }).set('d', browserSession);
    expect(await redis.client.ttl('same:c')).toBe(await redis.client.ttl('same:d'));

    // touch: the same EXPIRE.
    const later = { ...data, cookie: { ...data.cookie, expires: new Date(Date.now() + 900_000).toISOString() } };
    await mine.touch('a', later);
    await other.touch('b', later);
    expect(await redis.client.ttl('same:a')).toBe(await redis.client.ttl('same:b'));

    // Each lists and counts the other's sessions.
    expect((await mine.ids())!.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(await other.length()).toBe(4);
    await other.destroy('a');
    expect(await mine.get('a')).toBeNull();
    await mine.clear();
    expect(await other.length()).toBe(0);
  });

  /** One user journey (count, reload, regenerate, destroy), as a user and an operator see it. */
  async function journey(app: express.Express, prefix: string) {
    app.get('/reload', (req, res, next) => {
      req.session.reload((err: unknown) => (err ? next(err) : res.json({ count: (req.session as unknown as { count?: number }).count })));
    });
    app.get('/regenerate', (req, res, next) => {
      req.session.regenerate((err: unknown) => {
        if (err) return next(err);
        (req.session as unknown as { count: number }).count = 100;
        res.json({ id: req.sessionID });
      });
    });
    app.get('/destroy', (req, res, next) => req.session.destroy((err: unknown) => (err ? next(err) : res.json({ destroyed: true }))));
    const first = await request(app).get('/count');
    const id = first.body.id as string;
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    const text = await redis.client.get(prefix + id);
    const ttl = await redis.client.ttl(prefix + id);
    const second = await request(app).get('/count').set('Cookie', cookie);
    await redis.client.set(prefix + id, JSON.stringify({ ...JSON.parse((await redis.client.get(prefix + id))!), count: 50 }), { EX: 60 });
    const reloaded = await request(app).get('/reload').set('Cookie', cookie);
    const regenerated = await request(app).get('/regenerate').set('Cookie', cookie);
    const newId = regenerated.body.id as string;
    const newCookie = regenerated.headers['set-cookie'][0].split(';')[0];
    const oldKey = await redis.client.exists(prefix + id);
    const newCount = JSON.parse((await redis.client.get(prefix + newId))!).count;
    const destroyed = await request(app).get('/destroy').set('Cookie', newCookie);
    const afterDestroy = await request(app).get('/count').set('Cookie', newCookie);
    return {
      stored: JSON.parse(text!.replace(/"expires":"[^"]+"/, '"expires":"DATE"')),
      ttl,
      second: second.body.count,
      reloaded: reloaded.body,
      oldKey,
      newCount,
      destroyed: { status: destroyed.status, key: await redis.client.exists(prefix + newId) },
      afterDestroy: { count: afterDestroy.body.count, fresh: afterDestroy.body.id !== newId },
    };
  }

  it('leaves the same traces in Redis and in the responses as express-session + connect-redis', async () => {
    const mine = await journey(ours('trace-ours:'), 'trace-ours:');
    const connectRedis = await journey(theirs('trace-theirs:'), 'trace-theirs:');
    expect(mine).toEqual(connectRedis);
    expect(mine).toMatchObject({ ttl: 60, second: 2, reloaded: { count: 50 }, oldKey: 0, newCount: 100, destroyed: { status: 200, key: 0 }, afterDestroy: { count: 1, fresh: true } });
  });
});
