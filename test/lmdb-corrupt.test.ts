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

describe('LmdbStore: corrupt or foreign entries', () => {
  it.each(cases)('%s gives ERR_SESSION_CORRUPT for that session only', async (_label, bad) => {
    const { store } = await storeWithGoodAndBad(bad);
    const err = await call((cb) => store.get('bad', cb)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'ERR_SESSION_CORRUPT', sid: 'bad' });
    expect((err as Error).message).toMatch(/^stored session bad… is corrupt: /);
    expect(await call((cb) => store.get('good-1', cb))).toMatchObject({ ok: true });
    expect(await call((cb) => store.get('good-2', cb))).toMatchObject({ ok: true });
    // Listing goes on around it.
    const all = await call<Record<string, unknown>>((cb) => store.all(cb));
    expect(Object.keys(all).sort()).toEqual(['good-1', 'good-2']);
  });

  it('names only the first 6 characters of the session ID in the message; the full ID stays in err.sid', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: 'not json' });
    // The ID is a bearer credential: a message that reaches a log must not let a reader replay it.
    const sid = 'k3Jx9QpLm2Vt8RwZ4yHn6BcD1fGs5AeU';
    await writeRaw(dir, sid, { data: '{truncated', expiry: expiryBytes(Date.now() + 3_600_000) });
    const err = await call((cb) => store.get(sid, cb)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_SESSION_CORRUPT', sid });
    expect((err as Error).message).toContain('stored session k3Jx9Q… is corrupt');
    expect((err as Error).message).not.toContain(sid);
    expect((err as Error).message).not.toContain(sid.slice(0, 7));
  });

  it('the corrupt entry can be destroyed or overwritten, after which it reads normally', async () => {
    const { store } = await storeWithGoodAndBad({ data: Buffer.from([0x93, 1, 2, 3]) });
    await call((cb) => store.set('bad', { ...live(), fixed: 1 }, cb));
    expect(await call((cb) => store.get('bad', cb))).toMatchObject({ fixed: 1 });
    await writeRaw(store.path, 'bad', { data: 'garbage' });
    await call((cb) => store.destroy('bad', cb));
    await expect(call((cb) => store.get('bad', cb))).resolves.toBeUndefined();
  });

  it('the sweeper leaves an unreadable expiry record alone and goes on', async () => {
    const { store, dir } = await storeWithGoodAndBad({ data: JSON.stringify(live()), expiry: Buffer.from('nope') });
    await writeRaw(dir, 'expired', { data: JSON.stringify(live()), expiry: expiryBytes(Date.now() - 1000) });
    expect(await store.sweep()).toEqual({ scanned: 4, removed: 1 });
    await expect(call((cb) => store.get('bad', cb))).rejects.toMatchObject({ code: 'ERR_SESSION_CORRUPT' });
  });

  it('through the middleware, a request with a corrupt session gets next(err) and others are served', async () => {
    const { store } = await storeWithGoodAndBad({ data: Buffer.from([0x82, 0xa1, 0x61]) });
    const app = express();
    app.use(session({ secret: 'corrupt', resave: false, saveUninitialized: false, store }));
    app.get('/', (req, res) => res.json({ id: req.sessionID, ok: (req.session as { ok?: boolean }).ok ?? null }));
    app.use((err: { code?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ code: err.code ?? null });
    });
    const cookieFor = (sid: string) => `connect.sid=s%3A${encodeURIComponent(signature.sign(sid, 'corrupt'))}`;
    const bad = await request(app).get('/').set('Cookie', cookieFor('bad'));
    expect(bad.status).toBe(500);
    expect(bad.body).toEqual({ code: 'ERR_SESSION_CORRUPT' });
    const good = await request(app).get('/').set('Cookie', cookieFor('good-1'));
    expect(good.body).toEqual({ id: 'good-1', ok: true });
  });
});
