/**
 * Entries this store did not write (another program, a bad disk, an older
 * format) must fail the one session they belong to with ERR_SESSION_CORRUPT,
 * never crash the process nor hide the other sessions.
 */
import { createRequire } from 'node:module';
import signature from 'cookie-signature';
import express from 'express';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';

// Entries this store did not write (another program, a bad disk, an older
// format) are damaged data, not an outage: a read removes the entry, counts
// it in stats(), emits 'corrupt' with ERR_SESSION_CORRUPT and answers "not
// found", so the user starts afresh. Never a crash, never the other sessions.

type LmdbStore = InstanceType<typeof session.LmdbStore>;
const lmdb = createRequire(__filename)('lmdb') as typeof import('lmdb');

const stores: LmdbStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(removeTempStores);

const live = () => ({ cookie: { expires: new Date(Date.now() + 3_600_000) }, ok: true });

function expiryBytes(ms: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(ms);
  return bytes;
}

/** Writes raw bytes under `sid` into the store's databases, as a foreign program would. */
async function writeRaw(dir: string, sid: string, raw: { data?: Buffer | string; expiry?: Buffer }): Promise<void> {
  const root = lmdb.open({ path: dir, maxDbs: 8 });
  try {
    if (raw.data !== undefined) {
      await root.openDB({ name: 'session-data', encoding: 'binary' }).put(sid, Buffer.from(raw.data));
    }
    if (raw.expiry !== undefined) {
      await root.openDB({ name: 'session-expiry', encoding: 'binary' }).put(sid, raw.expiry);
    }
  } finally {
    await root.close();
  }
}

async function storeWithGoodAndBad(bad: { data?: Buffer | string; expiry?: Buffer }): Promise<{ store: LmdbStore; dir: string }> {
  const dir = tempStorePath();
  const store = new session.LmdbStore({ path: dir, sweepInterval: 0 });
  stores.push(store);
  await call((cb) => store.set('good-1', live(), cb));
  await call((cb) => store.set('good-2', live(), cb));
  await writeRaw(dir, 'bad', { expiry: expiryBytes(Date.now() + 3_600_000), ...bad });
  return { store, dir };
}

const cases: Array<[string, { data?: Buffer | string; expiry?: Buffer }]> = [
  ['a MessagePack value', { data: Buffer.from([0x82, 0xa1, 0x61, 0x01, 0xa1, 0x62, 0x02]) }],
  ['truncated JSON', { data: '{"cookie":{"expires":"2030-01-01T00:00:00.000Z"},"user":"an' }],
  ['JSON that is not an object', { data: '[1,2,3]' }],
  ['an object-shaped value that is not JSON', { data: '{cookie: nope}' }],
  ['random bytes', { data: Buffer.from([0xff, 0x00, 0x13, 0x37, 0xfe, 0x7b]) }],
  ['an expiry record of the wrong size', { data: JSON.stringify(live()), expiry: Buffer.from([1, 2, 3]) }],
];

/** Raw presence of `sid` in either database, read by a separate handle. */
async function rawHas(dir: string, sid: string): Promise<boolean> {
  const root = lmdb.open({ path: dir, maxDbs: 8 });
  try {
    const data = root.openDB({ name: 'session-data', encoding: 'binary' }).get(sid);
    const expiry = root.openDB({ name: 'session-expiry', encoding: 'binary' }).get(sid);
    return data !== undefined || expiry !== undefined;
  } finally {
    await root.close();
  }
}

/** Waits until the store has removed `sid` (the removal is an ordinary queued write). */
async function removed(store: LmdbStore, dir: string, sid: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!(await rawHas(dir, sid))) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}

function corruptEvents(store: LmdbStore): Array<{ sid: string; error: any }> {
  const events: Array<{ sid: string; error: any }> = [];
  store.on('corrupt', (e: { sid: string; error: any }) => events.push(e));
  return events;
}

describe('LmdbStore: corrupt or foreign entries', () => {
  it.each(cases)('%s: get answers not found, removes the entry, counts and announces it', async (_label, bad) => {
    const { store, dir } = await storeWithGoodAndBad(bad);
    const events = corruptEvents(store);
    await expect(call((cb) => store.get('bad', cb))).resolves.toBeUndefined();
    expect(store.stats().corrupt).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(events).toHaveLength(1);
    expect(events[0]!.sid).toBe('bad…');
    expect(events[0]!.error).toMatchObject({ code: 'ERR_SESSION_CORRUPT', sid: 'bad' });
    expect(events[0]!.error.message).toMatch(/^stored session bad… is corrupt: /);
    expect(await removed(store, dir, 'bad')).toBe(true);
    expect(await call((cb) => store.get('good-1', cb))).toMatchObject({ ok: true });
    expect(await call((cb) => store.get('good-2', cb))).toMatchObject({ ok: true });
    const all = await call<Record<string, unknown>>((cb) => store.all(cb));
    expect(Object.keys(all).sort()).toEqual(['good-1', 'good-2']);
    expect(store.stats().corrupt).toBe(1);
  });

  it('all() leaves a corrupt entry out without removing it', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: '{"cookie":null}' });
    const all = await call<Record<string, unknown>>((cb) => store.all(cb));
    expect(Object.keys(all).sort()).toEqual(['good-1', 'good-2']);
    expect(await rawHas(dir, 'bad')).toBe(true);
    expect(store.stats().corrupt).toBe(0);
  });

  it('names only the first 6 characters of the session ID in the event and the message; the full ID stays in err.sid', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: 'not json' });
    const events = corruptEvents(store);
    // The ID is a bearer credential: a message that reaches a log must not let a reader replay it.
    const sid = 'k3Jx9QpLm2Vt8RwZ4yHn6BcD1fGs5AeU';
    await writeRaw(dir, sid, { data: '{truncated', expiry: expiryBytes(Date.now() + 3_600_000) });
    await call((cb) => store.get(sid, cb));
    await new Promise((r) => setImmediate(r));
    expect(events[0]!.sid).toBe('k3Jx9Q…');
    const err = events[0]!.error;
    expect(err).toMatchObject({ code: 'ERR_SESSION_CORRUPT', sid });
    expect(err.message).toContain('stored session k3Jx9Q… is corrupt');
    expect(err.message).not.toContain(sid);
    expect(err.message).not.toContain(sid.slice(0, 7));
  });

  it('with nobody listening, a corrupt entry is still removed and nothing is thrown', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: '[1,2,3]' });
    expect(store.listenerCount('corrupt')).toBe(0);
    await expect(call((cb) => store.get('bad', cb))).resolves.toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(await removed(store, dir, 'bad')).toBe(true);
  });

  it('the corrupt entry can be overwritten, after which it reads normally', async () => {
    const { store } = await storeWithGoodAndBad({ data: Buffer.from([0x93, 1, 2, 3]) });
    await call((cb) => store.set('bad', { ...live(), fixed: 1 }, cb));
    expect(await call((cb) => store.get('bad', cb))).toMatchObject({ fixed: 1 });
    expect(store.stats().corrupt).toBe(0);
  });

  it('the sweeper leaves an unreadable expiry record alone; the next read removes it', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: JSON.stringify(live()), expiry: Buffer.from('nope') });
    await writeRaw(dir, 'expired', { data: JSON.stringify(live()), expiry: expiryBytes(Date.now() - 1000) });
    expect(await store.sweep()).toEqual({ scanned: 4, removed: 1 });
    await expect(call((cb) => store.get('bad', cb))).resolves.toBeUndefined();
    expect(await removed(store, dir, 'bad')).toBe(true);
  });

  it('through the middleware, a request with a corrupt session starts a fresh one, and others are served', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: Buffer.from([0x82, 0xa1, 0x61]) });
    const errors: unknown[] = [];
    const app = express();
    app.use(session({ secret: 'corrupt', resave: false, saveUninitialized: false, store }));
    app.get('/', (req, res) => res.json({ id: req.sessionID, ok: (req.session as { ok?: boolean }).ok ?? null }));
    app.get('/login', (req, res) => {
      (req.session as { user?: string }).user = 'ann';
      res.json({ id: req.sessionID });
    });
    app.use((err: { code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err);
      res.status(500).json({ code: err.code ?? null });
    });
    const cookieFor = (sid: string) => `connect.sid=s%3A${encodeURIComponent(signature.sign(sid, 'corrupt'))}`;
    const bad = await request(app).get('/').set('Cookie', cookieFor('bad'));
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(null);
    expect(bad.body.id).not.toBe('bad');
    // Unmodified fresh session, saveUninitialized false: nothing stored, no cookie.
    expect(bad.headers['set-cookie']).toBeUndefined();
    expect(await removed(store, dir, 'bad')).toBe(true);
    // The user can log in again on the same request path.
    const login = await request(app).get('/login').set('Cookie', cookieFor('bad'));
    expect(login.status).toBe(200);
    expect(login.headers['set-cookie']).toHaveLength(1);
    expect(await call((cb) => store.get(login.body.id, cb))).toMatchObject({ user: 'ann' });
    const good = await request(app).get('/').set('Cookie', cookieFor('good-1'));
    expect(good.body).toEqual({ id: 'good-1', ok: true });
    expect(errors).toEqual([]);
    expect(store.stats().corrupt).toBe(1);
  });
});
