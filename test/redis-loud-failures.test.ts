/**
 * connect-redis is a foreign store: where the failure is the store's (a value
 * in Redis that is not JSON, a Redis that is gone when the session is saved),
 * this package gives express-session's response and error, side by side. A
 * value that parses but is not shaped as a session gets ERR_SESSION_CORRUPT
 * (express-session: a raw TypeError), still one 500 before the route.
 */
import { RedisStore } from 'connect-redis';
import express from 'express';
import signature from 'cookie-signature';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { reference, session } from './helpers/package';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const SECRET = 'redis loud';
const cookieFor = (id: string) => `connect.sid=s%3A${encodeURIComponent(signature.sign(id, SECRET))}`;

describe.skipIf(skipWithoutRedis)('connect-redis failures', () => {
  const redis = redisForSuite();

  function appWith(pkg: typeof session, store: RedisStore) {
    const app = express();
    const errors: unknown[] = [];
    let routeRuns = 0;
    app.use(pkg({ secret: SECRET, resave: false, saveUninitialized: false, store }));
    app.get('/count', (req: any, res) => {
      routeRuns++;
      req.session.n = (req.session.n ?? 0) + 1;
      res.json({ n: req.session.n });
    });
    app.use((err: any, _req: any, res: any, _next: any) => {
      errors.push(err?.code ?? err?.name);
      if (!res.headersSent) res.status(500).send('failed');
    });
    return { app, errors, runs: () => routeRuns };
  }

  it('a stored value that is not JSON: next(err) before the route, as in express-session', async () => {
    const results = [];
    for (const [name, pkg] of [['reference', reference], ['session', session]] as const) {
      const prefix = `loud-${name}:`;
      await redis.client.set(prefix + 'broken', 'this is not json');
      const { app, errors, runs } = appWith(pkg, new RedisStore({ client: redis.client, prefix }));
      const res = await request(app).get('/count').set('Cookie', cookieFor('broken'));
      results.push({ status: res.status, body: res.text, setCookie: res.headers['set-cookie'] ?? null, errors, runs: runs() });
      // The store's data is left as it was: the failure is the store's, not damaged data in one of ours.
      expect(await redis.client.get(prefix + 'broken')).toBe('this is not json');
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[1]).toMatchObject({ status: 500, runs: 0, errors: ['SyntaxError'] });
  });

  it('a stored value with cookie: null: one 500 with ERR_SESSION_CORRUPT before the route', async () => {
    const prefix = 'loud-null:';
    await redis.client.set(prefix + 'nullcookie', JSON.stringify({ cookie: null, n: 1 }));
    const { app, errors, runs } = appWith(session, new RedisStore({ client: redis.client, prefix }));
    const res = await request(app).get('/count').set('Cookie', cookieFor('nullcookie'));
    expect(res.status).toBe(500);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(errors).toEqual(['ERR_SESSION_CORRUPT']);
    expect(runs()).toBe(0);
  });

  it('a save that fails in connect-redis: the response as the app wrote it, then next(err), as in express-session', async () => {
    const results = [];
    for (const [name, pkg] of [['reference', reference], ['session', session]] as const) {
      const store = new RedisStore({ client: redis.client, prefix: `loud-set-${name}:` });
      // The store's own failure: its serializer cannot encode what it is given.
      store.serializer = { parse: JSON.parse, stringify: () => { throw Object.assign(new Error('cannot encode'), { code: 'EENCODE' }); } } as any;
      const { app, errors, runs } = appWith(pkg, store);
      const res = await request(app).get('/count');
      await new Promise((r) => setTimeout(r, 30));
      results.push({ status: res.status, body: res.text, setCookie: (res.headers['set-cookie'] as unknown as string[] | undefined)?.length ?? 0, errors, runs: runs() });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[1]).toMatchObject({ status: 200, errors: ['EENCODE'], runs: 1 });
  });
});
