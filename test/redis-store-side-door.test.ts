/**
 * RedisStore on the middleware's side door (src/stores/fast-store.ts): while
 * its get/set/touch/destroy are its own, the middleware hands it the request's
 * JSON and reads a near-cache hit without waiting. What an app can observe:
 * a wrapper installed after setup, or a subclass override, sees every call
 * as under express-session; a ttl function still gets the Session object;
 * a save Redis refuses fails the request before any byte, as with our other
 * stores, instead of after a 200 the browser took as saved.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { get } from './helpers/lmdb';
import { redisForSuite, skipWithoutRedis, clientAndPauser } from './helpers/redis-server';

type Store = InstanceType<typeof session.RedisStore>;
type Calls = string[];

async function serve(store: Store, cookie: object = {}): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.use(session({ secret: 'side door', resave: false, saveUninitialized: false, store, cookie }));
  app.get('/count', (req, res) => {
    const s = req.session as unknown as { count?: number };
    s.count = (s.count ?? 0) + 1;
    res.json({ count: s.count });
  });
  app.get('/read', (req, res) => {
    res.json({ count: (req.session as unknown as { count?: number }).count ?? null });
  });
  app.get('/logout', (req, res) => {
    req.session.destroy(() => res.json({ out: true }));
  });
  app.use((err: { message: string; code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ code: err.code ?? null, error: err.message });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Wraps the four methods on the instance, recording each call before passing it on. */
function spyOn(store: Store, calls: Calls): void {
  const target = store as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['get', 'set', 'touch', 'destroy']) {
    const original = target[name]!;
    target[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(name);
      return original.apply(this, args);
    };
  }
}

let prefixes = 0;
const freshPrefix = () => `door${++prefixes}:`;

describe.skipIf(skipWithoutRedis)('RedisStore through the side door', () => {
  const redis = redisForSuite();

  for (const cache of [undefined, { maxEntries: 100 }]) {
    it(`a wrapper installed after setup sees the load, save, touch and destroy of every request${cache ? ' (near-cache)' : ''}`, async () => {
      const store = new session.RedisStore({ client: redis.client, prefix: freshPrefix(), cache });
      const app = await serve(store);
      try {
        const cookie = (await get(app.port, '/count')).cookie!;
        const calls: Calls = [];
        spyOn(store, calls);
        expect((await get<{ count: number }>(app.port, '/count', cookie)).body.count).toBe(2);
        expect(calls).toEqual(['get', 'set']);
        calls.length = 0;
        await get(app.port, '/read', cookie);
        expect(calls).toEqual(['get', 'touch']);
        calls.length = 0;
        await get(app.port, '/logout', cookie);
        expect(calls).toEqual(['get', 'destroy']);
      } finally {
        await app.close();
        await store.close();
      }
    });
  }

  it('a subclass that overrides set is called for every save', async () => {
    const saved: string[] = [];
    class Audited extends session.RedisStore {
      override set(sid: string, sess: object, callback?: (err?: unknown) => void) {
        saved.push(sid);
        return super.set(sid, sess, callback);
      }
    }
    const store = new Audited({ client: redis.client, prefix: freshPrefix() });
    const app = await serve(store);
    try {
      const first = await get<{ count: number }>(app.port, '/count');
      await get(app.port, '/count', first.cookie!);
      expect(saved).toHaveLength(2);
      expect((await get<{ count: number }>(app.port, '/read', first.cookie!)).body.count).toBe(2);
    } finally {
      await app.close();
    }
  });

  it('a ttl function gets the Session object, as connect-redis hands it, on save and on touch', async () => {
    const seen: unknown[] = [];
    const store = new session.RedisStore({
      client: redis.client,
      prefix: freshPrefix(),
      ttl: (sess: any) => {
        seen.push(typeof sess.regenerate === 'function' && typeof sess.cookie.maxAge === 'number');
        return 60;
      },
    });
    const app = await serve(store, { maxAge: 120_000 });
    try {
      const cookie = (await get(app.port, '/count')).cookie!;
      await get(app.port, '/read', cookie);
      expect(seen).toEqual([true, true]);
    } finally {
      await app.close();
    }
  });

  it('the saved text is the request\'s JSON, with the cookie\'s lifetime as TTL', async () => {
    const prefix = freshPrefix();
    const store = new session.RedisStore({ client: redis.client, prefix });
    const app = await serve(store, { maxAge: 90_000 });
    try {
      const reply = await get<{ count: number }>(app.port, '/count');
      await get(app.port, '/count', reply.cookie!);
      const keys = await redis.client.keys(`${prefix}*`);
      expect(keys).toHaveLength(1);
      const stored = JSON.parse((await redis.client.get(keys[0]!))!);
      expect(stored.count).toBe(2);
      expect(stored.cookie.originalMaxAge).toBeGreaterThan(85_000);
      const ttl = await redis.client.ttl(keys[0]!);
      expect(ttl).toBeGreaterThan(85);
      expect(ttl).toBeLessThanOrEqual(90);
    } finally {
      await app.close();
    }
  });

  it('a save Redis does not take in time fails the request before any byte: 500 with the coded error, no Set-Cookie', async () => {
    const { client, pauser, destroy } = await clientAndPauser(redis.server.url);
    const store = new session.RedisStore({ client, prefix: freshPrefix(), timeout: 150 });
    const app = await serve(store);
    try {
      const cookie = (await get(app.port, '/count')).cookie!;
      // Reads go on; the save script waits out the pause, longer than the store's timeout.
      await pauser.sendCommand(['CLIENT', 'PAUSE', '800', 'WRITE']);
      const reply = await get<{ code: string }>(app.port, '/count', cookie);
      expect(reply.status).toBe(500);
      expect(reply.body.code).toBe('ERR_SESSION_STORE_UNAVAILABLE');
      expect(reply.cookie).toBeUndefined();
      await pauser.sendCommand(['CLIENT', 'UNPAUSE']);
      const after = await get<{ count: number }>(app.port, '/count', cookie);
      expect(after.status).toBe(200);
    } finally {
      await app.close();
      destroy();
    }
  });
});
