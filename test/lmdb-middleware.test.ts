/**
 * The middleware end to end with `store: new LmdbStore(...)`: ours (through
 * the synchronous fast access) and express-session itself (through the
 * callback API, as any foreign middleware would use the store).
 */
import { createRequire } from 'node:module';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { reference, session } from './helpers/package';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';

type LmdbStore = InstanceType<typeof session.LmdbStore>;
type Factory = typeof session;
const lmdb = createRequire(__filename)('lmdb') as typeof import('lmdb');

const stores: LmdbStore[] = [];
function newStore(dir = tempStorePath()): LmdbStore {
  const store = new session.LmdbStore({ path: dir, sweepInterval: 0 });
  stores.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(removeTempStores);

function appWith(factory: Factory, store: LmdbStore, cookie: Record<string, unknown> = {}) {
  const app = express();
  app.use(factory({ secret: 'lmdb e2e', resave: false, saveUninitialized: false, store, cookie }));
  app.get('/inc', (req, res) => {
    const s = req.session as unknown as { views?: number };
    s.views = (s.views ?? 0) + 1;
    res.json({ views: s.views, id: req.sessionID });
  });
  app.get('/read', (req, res) => {
    const s = req.session as unknown as { views?: number; user?: string };
    res.json({ views: s.views ?? null, user: s.user ?? null, id: req.sessionID });
  });
  app.get('/login', (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      (req.session as unknown as { user: string }).user = 'ann';
      res.redirect('/read');
    });
  });
  app.get('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.redirect('/read')));
  });
  return app;
}

/** The stored expiry of `sid`, read with lmdb directly. */
async function storedExpiry(dir: string, sid: string): Promise<number | undefined> {
  const root = lmdb.open({ path: dir, maxDbs: 8 });
  try {
    return root.openDB({ name: 'session-expiry', encoding: 'binary' }).getBinary(sid)?.readDoubleLE(0);
  } finally {
    await root.close();
  }
}

describe.each([
  ['wasm-session', session],
  ['express-session (callback API)', reference],
] as const)('%s with LmdbStore', (_name, factory) => {
  it('counts page views in one session', async () => {
    const agent = request.agent(appWith(factory, newStore()));
    const first = await agent.get('/inc');
    expect(first.body.views).toBe(1);
    expect(first.headers['set-cookie']).toHaveLength(1);
    for (let views = 2; views <= 5; views++) {
      const reply = await agent.get('/inc');
      expect(reply.body).toEqual({ views, id: first.body.id });
    }
  });

  it('login regenerates the ID, logout destroys the session', async () => {
    const store = newStore();
    const agent = request.agent(appWith(factory, store));
    // express-session sends a redirect's headers before its store write has
    // called back (it holds back only the body's last byte) and supertest
    // follows a redirect on the headers, so with the reference the next
    // request could overtake the write: it is asked for once the response
    // has ended. Our middleware holds the whole response, so the redirect is
    // followed at once.
    const followRedirect = (path: string) =>
      factory === session ? agent.get(path).redirects(1) : agent.get(path).then(() => agent.get('/read'));
    const anonymous = await agent.get('/inc');
    const login = await followRedirect('/login');
    expect(login.body.user).toBe('ann');
    expect(login.body.id).not.toBe(anonymous.body.id);
    await expect(call((cb) => store.get(anonymous.body.id, cb))).resolves.toBeUndefined();
    const logout = await followRedirect('/logout');
    expect(logout.body.user).toBeNull();
    await expect(call((cb) => store.get(login.body.id, cb))).resolves.toBeUndefined();
  });

  it('a change is committed before the response goes out: another handle on the path sees it at once', async () => {
    const dir = tempStorePath();
    const agent = request.agent(appWith(factory, newStore(dir)));
    const other = newStore(dir);
    for (let views = 1; views <= 3; views++) {
      const reply = await agent.get('/inc');
      // No waiting: the response itself means "committed".
      expect(await call((cb) => other.get(reply.body.id, cb))).toMatchObject({ views });
    }
  });

  it('an unchanged session is touched: its stored expiry moves forward, its data stays', async () => {
    const dir = tempStorePath();
    const agent = request.agent(appWith(factory, newStore(dir), { maxAge: 60_000 }));
    const first = await agent.get('/inc');
    const before = await storedExpiry(dir, first.body.id);
    expect(before).toBeGreaterThan(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 30));
    const read = await agent.get('/read');
    expect(read.body.views).toBe(1);
    expect(await storedExpiry(dir, first.body.id)).toBeGreaterThan(before!);
  });

  it('an expired session is not loaded: the request starts a new one', async () => {
    const agent = request.agent(appWith(factory, newStore(), { maxAge: 150 }));
    const first = await agent.get('/inc');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const later = await agent.get('/inc');
    expect(later.body.views).toBe(1);
    expect(later.body.id).not.toBe(first.body.id);
  });
});
