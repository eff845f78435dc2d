/**
 * The rules of stored-json.ts, pinned for every store: which stored texts are
 * served and which are corrupt (removed, counted, announced, "not found") in
 * MemoryStore and LmdbStore; the same shape rule for a foreign store's
 * answer through the middleware (next(err) ERR_SESSION_CORRUPT); and the same
 * ERR_SESSION_SERIALIZE from both stores' set for data JSON cannot hold.
 */
import express from 'express';
import request from 'supertest';
import signature from 'cookie-signature';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** Stored text → whether every store serves it. */
const RULES: Array<[string, string, boolean]> = [
  ['a session', '{"cookie":{"originalMaxAge":null,"path":"/"},"n":1}', true],
  ['a cookie with a numeric originalMaxAge', '{"cookie":{"originalMaxAge":60000,"expires":"2099-01-01T00:00:00.000Z"}}', true],
  ['a cookie without originalMaxAge', '{"cookie":{}}', true],
  ['data 1,000 levels deep (the limit)', '{"cookie":{},"d":' + nested(999) + '}', true],
  ['data 1,001 levels deep', '{"cookie":{},"d":' + nested(1000) + '}', false],
  ['data 100,000 levels deep', '{"cookie":{},"d":' + nested(100_000) + '}', false],
  ['deep-looking brackets inside a string', '{"cookie":{},"s":"' + '['.repeat(5000) + '"}', true],
  ['not JSON', '{"cookie":', false],
  ['not an object', '[{"cookie":{}}]', false],
  ['an empty object', '{}', false],
  ['cookie: null', '{"cookie":null}', false],
  ['cookie a string', '{"cookie":"x"}', false],
  ["cookie.originalMaxAge 'abc'", '{"cookie":{"originalMaxAge":"abc"}}', false],
  ['cookie.originalMaxAge true', '{"cookie":{"originalMaxAge":true}}', false],
];

const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(removeTempStores);

type Kind = 'MemoryStore' | 'LmdbStore';

/** A store of `kind` holding `text` under `sid`, written underneath the store's own checks (as a foreign writer would). */
function storeHolding(kind: Kind, sid: string, text: string): any {
  if (kind === 'MemoryStore') {
    const store: any = new session.MemoryStore();
    closers.push(() => store.close());
    store.engine.write(sid, text, Infinity);
    return store;
  }
  const store: any = new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 });
  closers.push(() => store.close());
  const expiry = Buffer.alloc(8);
  expiry.writeDoubleLE(Date.now() + 3_600_000);
  store.env.data.putSync(sid, text);
  store.env.expiry.putSync(sid, expiry);
  return store;
}

describe.each(['MemoryStore', 'LmdbStore'] as const)('stored-session rules on %s', (kind) => {
  it.each(RULES)('%s', async (_label, text, served) => {
    const store = storeHolding(kind, 'rule-sid', text);
    const events: any[] = [];
    store.on('corrupt', (e: unknown) => events.push(e));
    const got = await call<any>((cb) => store.get('rule-sid', cb));
    await new Promise((r) => setImmediate(r));
    if (served) {
      expect(got).toEqual(JSON.parse(text));
      expect(store.stats().corrupt).toBe(0);
      expect(events).toEqual([]);
    } else {
      expect(got).toBeUndefined();
      expect(store.stats().corrupt).toBe(1);
      expect(events).toHaveLength(1);
      expect(events[0].error.code).toBe('ERR_SESSION_CORRUPT');
      // Removed: a second read finds nothing and counts nothing more.
      await new Promise((r) => setTimeout(r, 20));
      expect(await call<any>((cb) => store.get('rule-sid', cb))).toBeUndefined();
      expect(store.stats().corrupt).toBe(1);
    }
  });

  it('set refuses data JSON cannot hold, or nested past the limit, with ERR_SESSION_SERIALIZE', async () => {
    const store = storeHolding(kind, 'other', '{"cookie":{}}');
    let deep: any = {};
    const root = { cookie: {}, deep };
    for (let i = 0; i < 10_000; i++) deep = deep.a = {};
    const tooDeepButStringifiable = JSON.parse('{"cookie":{},"d":' + nested(1500) + '}');
    const cyclic: any = { cookie: {} };
    cyclic.self = cyclic;
    for (const data of [root, tooDeepButStringifiable, cyclic, { cookie: {}, big: 10n }]) {
      await expect(call((cb) => store.set('s', data, cb))).rejects.toMatchObject({ code: 'ERR_SESSION_SERIALIZE' });
    }
    expect(await call((cb) => store.get('s', cb))).toBeUndefined();
  });
});

describe('the same shape rule for a foreign store answering through the middleware', () => {
  const SECRET = 'rules';
  const cookie = `connect.sid=s%3A${encodeURIComponent(signature.sign('foreign-sid', SECRET))}`;

  it.each(RULES.filter(([label]) => !label.includes('not JSON')))('%s', async (_label, text, served) => {
    const Base = session.Store as unknown as new () => any;
    const store = new (class extends Base {
      get(_sid: string, cb: any) {
        setImmediate(() => cb(null, JSON.parse(text)));
      }
      set(_sid: string, _s: any, cb: any) {
        setImmediate(cb);
      }
      destroy(_sid: string, cb: any) {
        setImmediate(cb);
      }
    })();
    const app = express();
    app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store }));
    app.get('/', (req, res) => res.json({ id: req.sessionID }));
    app.use((err: any, _req: any, res: any, _next: any) => res.status(500).json({ code: err.code }));
    const res = await request(app).get('/').set('Cookie', cookie);
    // Depth is a rule for stored text; a foreign store hands objects, which fail only where JSON.stringify does.
    const depthOnly = _label.includes('1,001 levels');
    if (served || depthOnly) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: 'foreign-sid' });
    } else {
      // An object too deep to serialise is caught at load too (the change tracker's copy), not at the end of the response.
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ code: 'ERR_SESSION_CORRUPT' });
    }
  });
});
