/**
 * `lazySession: true` on our own stores: a request that never reads
 * req.session loads nothing, yet its stored session is touched exactly as
 * express-session touches an unmodified session (the countdown restarts, the
 * data stays, no Set-Cookie); a request that reads it sees the same session
 * as without the option.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { session } from './helpers/package';

function appWith(store: InstanceType<typeof session.MemoryStore>) {
  const app = express();
  app.use(session({ secret: 'lazy cat', resave: false, saveUninitialized: false, store, cookie: { maxAge: 60_000 }, lazySession: true } as never));
  app.get('/count', (req, res) => {
    req.session.views = ((req.session.views as number | undefined) ?? 0) + 1;
    res.json({ views: req.session.views, id: req.sessionID });
  });
  app.get('/untouched', (_req, res) => res.send('ok'));
  app.get('/id', (req, res) => res.send(req.sessionID));
  return app;
}

/** A first request that creates a session: its cookie pair and ID. */
async function startSession(app: express.Express): Promise<{ cookie: string; sid: string }> {
  const first = await request(app).get('/count').expect(200);
  return { cookie: first.headers['set-cookie'][0].split(';')[0], sid: first.body.id as string };
}

const stored = (store: InstanceType<typeof session.MemoryStore>, sid: string) =>
  new Promise<any>((resolve, reject) => store.get(sid, (err, sess) => (err ? reject(err) : resolve(sess))));

describe('lazySession with MemoryStore', () => {
  it('touches an unread session: later expiry, same data, no Set-Cookie', async () => {
    const store = new session.MemoryStore();
    const app = appWith(store);
    const { cookie, sid } = await startSession(app);
    const before = await stored(store, sid);
    await new Promise((r) => setTimeout(r, 20));
    const untouched = await request(app).get('/untouched').set('Cookie', cookie).expect(200, 'ok');
    expect(untouched.headers['set-cookie']).toBeUndefined();
    const after = await stored(store, sid);
    expect(after.views).toBe(1);
    // The Cookie reads originalMaxAge back through maxAge when the session is made: a millisecond may pass in between.
    expect(after.cookie.originalMaxAge).toBe(before.cookie.originalMaxAge);
    expect(after.cookie.originalMaxAge).toBeGreaterThanOrEqual(59_999);
    expect(new Date(after.cookie.expires).getTime()).toBeGreaterThan(new Date(before.cookie.expires).getTime());
    // Key order and every other cookie field as the Cookie class writes them.
    expect(Object.keys(after.cookie)).toEqual(Object.keys(before.cookie));
    const again = await request(app).get('/count').set('Cookie', cookie).expect(200);
    expect(again.body).toEqual({ views: 2, id: sid });
  });

  it('loads on the first read of req.sessionID, and a destroyed session reads as a new one', async () => {
    const store = new session.MemoryStore();
    const app = appWith(store);
    const { cookie, sid } = await startSession(app);
    await request(app).get('/id').set('Cookie', cookie).expect(200, sid);
    await new Promise<void>((resolve) => store.destroy(sid, () => resolve()));
    const fresh = await request(app).get('/id').set('Cookie', cookie).expect(200);
    expect(fresh.text).not.toBe(sid);
    // Unread and gone: nothing is written back.
    await request(app).get('/untouched').set('Cookie', cookie).expect(200);
    expect(await stored(store, sid)).toBeFalsy();
  });

  it('adds only its own enumerable req.session to req when the session is not read', async () => {
    const store = new session.MemoryStore();
    const app = express();
    let added: Array<string | symbol> = [];
    app.use((req, _res, next) => {
      const before = new Set(Reflect.ownKeys(req));
      (req as any).__before = before;
      next();
    });
    app.use(session({ secret: 'lazy cat', resave: false, saveUninitialized: false, store, lazySession: true } as never));
    app.use((req, _res, next) => {
      const before = (req as any).__before as Set<string | symbol>;
      if (req.path === '/untouched') added = Reflect.ownKeys(req).filter((k) => !before.has(k) && k !== '__before');
      next();
    });
    app.get('/count', (req, res) => {
      req.session.views = 1;
      res.send(req.sessionID);
    });
    app.get('/untouched', (_req, res) => res.send('ok'));
    const first = await request(app).get('/count').expect(200);
    const cookie = first.headers['set-cookie'][0].split(';')[0];
    await request(app).get('/untouched').set('Cookie', cookie).expect(200);
    // req.sessionID and req.sessionStore are inherited accessors; the request's state is one symbol property.
    expect(added.filter((key) => typeof key === 'string')).toEqual(['session']);
    expect(added.filter((key) => typeof key === 'symbol')).toHaveLength(1);
  });
});
