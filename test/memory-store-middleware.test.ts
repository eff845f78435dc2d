/**
 * The built package with no `store` option: sessions go to the Wasm
 * MemoryStore through the middleware's synchronous fast path, end to end over
 * HTTP (express + supertest).
 */
import { createRequire } from 'node:module';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { session } from './helpers/package';

const require = createRequire(import.meta.url);
const express = require('express') as () => any;

interface AppOptions {
  store?: unknown;
  maxAge?: number;
  onError?: (err: any) => void;
}

function buildApp(options: AppOptions = {}) {
  const app = express();
  let store: any;
  app.use(
    session({
      secret: 'keyboard cat',
      resave: false,
      saveUninitialized: false,
      ...(options.store ? { store: options.store as never } : {}),
      ...(options.maxAge ? { cookie: { maxAge: options.maxAge } } : {}),
    }),
  );
  app.use((req: any, _res: any, next: () => void) => {
    store = req.sessionStore;
    next();
  });
  app.get('/count', (req: any, res: any) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ views: req.session.views });
  });
  app.get('/read', (req: any, res: any) => res.json({ views: req.session.views ?? null, name: req.session.name ?? null }));
  app.get('/name', (req: any, res: any) => {
    req.session.name = req.query.name;
    res.json({ ok: true });
  });
  app.get('/big', (req: any, res: any) => {
    req.session.blob = 'x'.repeat(Number(req.query.size));
    res.json({ ok: true });
  });
  app.get('/logout', (req: any, res: any) => req.session.destroy(() => res.json({ out: true })));
  app.use((err: any, _req: any, res: any, _next: unknown) => {
    options.onError?.(err);
    if (!res.headersSent) res.status(500).json({ code: err.code ?? null });
  });
  return { app, storeOf: () => store };
}

const cookieOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0]?.split(';')[0];

describe('the middleware with its default store', () => {
  it('uses a Wasm MemoryStore when no store is given, and keeps sessions across requests', async () => {
    const { app, storeOf } = buildApp();
    const first = await request(app).get('/count').expect(200, { views: 1 });
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^connect\.sid=s%3A/);
    const store = storeOf();
    expect(store).toBeInstanceOf(session.MemoryStore);
    expect(store.stats()).toMatchObject({ entries: 1 });

    await request(app).get('/count').set('Cookie', cookie!).expect(200, { views: 2 });
    const read = await request(app).get('/read').set('Cookie', cookie!).expect(200, { views: 2, name: null });
    expect(read.headers['set-cookie']).toBeUndefined();
    expect(store.stats()).toMatchObject({ entries: 1, hits: 2 });
  });

  it('does not store uninitialised sessions (saveUninitialized: false)', async () => {
    const { app, storeOf } = buildApp();
    const res = await request(app).get('/read').expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(storeOf().stats().entries).toBe(0);
  });

  it('round-trips unicode session data', async () => {
    const { app } = buildApp();
    const name = 'Zoë 日本 🙂';
    const res = await request(app).get('/name').query({ name }).expect(200);
    await request(app).get('/read').set('Cookie', cookieOf(res)!).expect(200, { views: null, name });
  });

  it('destroys the stored session on logout', async () => {
    const { app, storeOf } = buildApp();
    const cookie = cookieOf(await request(app).get('/count'));
    await request(app).get('/logout').set('Cookie', cookie!).expect(200, { out: true });
    expect(storeOf().stats().entries).toBe(0);
    await request(app).get('/count').set('Cookie', cookie!).expect(200, { views: 1 });
  });

  it('starts a new session once the stored one has expired', async () => {
    const { app } = buildApp({ maxAge: 1000 });
    const cookie = cookieOf(await request(app).get('/count'));
    await request(app).get('/count').set('Cookie', cookie!).expect(200, { views: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await request(app).get('/count').set('Cookie', cookie!).expect(200, { views: 1 });
  });

  it('keeps a session touched by reads alive past its first expiry (the fast touch moves it)', async () => {
    const { app } = buildApp({ maxAge: 1000 });
    const cookie = cookieOf(await request(app).get('/count'));
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await request(app).get('/read').set('Cookie', cookie!).expect(200, { views: 1, name: null });
    }
  });

  it('works with an explicit new session.MemoryStore(options), evicting at its bound', async () => {
    const store = new session.MemoryStore({ maxEntries: 2, sweepInterval: 0 });
    const { app } = buildApp({ store });
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) cookies.push(cookieOf(await request(app).get('/count'))!);
    expect(store.stats()).toMatchObject({ entries: 2, evictions: 1 });
    await request(app).get('/read').set('Cookie', cookies[0]!).expect(200, { views: null, name: null });
    await request(app).get('/read').set('Cookie', cookies[2]!).expect(200, { views: 1, name: null });
    store.close();
  });

  it('goes through the synchronous fast path, not the callback methods', async () => {
    const store = new session.MemoryStore({ sweepInterval: 0 }) as any;
    const { app } = buildApp({ store });
    // Spies on the side door, not on the methods: a spy on get/set/… is a patch, which turns the side door off.
    const access = store[Symbol.for('wasm-session.fast-store')];
    const doors = (['readSession', 'writeJSON', 'touch'] as const).map((name) => vi.spyOn(access, name));
    const methods = (['get', 'set', 'touch', 'destroy'] as const).map((name) => store[name]);
    const cookie = cookieOf(await request(app).get('/count'));
    await request(app).get('/count').set('Cookie', cookie!).expect(200, { views: 2 });
    await request(app).get('/read').set('Cookie', cookie!).expect(200);
    expect(doors.map((spy) => spy.mock.calls.length)).toEqual([2, 2, 1]);
    expect((['get', 'set', 'touch', 'destroy'] as const).map((name) => store[name])).toEqual(methods);
  });

  it('reports a session larger than the store bound to the error handler with its code', async () => {
    const errors: any[] = [];
    const store = new session.MemoryStore({ maxBytes: 1024 * 1024, sweepInterval: 0 });
    const { app } = buildApp({ store, onError: (err) => errors.push(err) });
    await request(app).get('/big').query({ size: 2_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors.map((err) => err.code)).toEqual(['ERR_SESSION_TOO_LARGE']);
    expect(store.stats().entries).toBe(0);
  });
});
