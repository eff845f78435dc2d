/**
 * Hostile or broken session data. Stored JSON with `__proto__`,
 * `constructor` and `prototype` keys (JSON.parse makes `__proto__` an own
 * key, which a naive copy turns into a prototype change) must load through
 * every kind of store without touching any prototype; data JSON cannot hold
 * (a cycle, a BigInt) must fail only its own request with
 * ERR_SESSION_SERIALIZE and leave every other session as it was.
 */
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { express4 } from './helpers/differential';
import { reference, session } from './helpers/package';
import { removeTempStores, tempStorePath } from './helpers/lmdb';
import { signedSessionCookie } from './helpers/signed-cookie';

const SECRET = 'session data secret';
const SID = 'hostile-data-session-000000000000';
const OTHER = 'innocent-bystander-session-000000';
const cookieFor = (id: string) => signedSessionCookie(id, SECRET);

/** Stored text an attacker who can write into the store (or a buggy writer) might leave. */
const HOSTILE_JSON =
  '{"cookie":{"originalMaxAge":null,"path":"/","httpOnly":true,"__proto__":{"pollutedViaCookie":"yes"},"constructor":{"prototype":{"pollutedViaCookieCtor":"yes"}}},' +
  '"__proto__":{"polluted":"yes","save":"not a function"},"constructor":{"prototype":{"pollutedViaCtor":"yes"}},"prototype":{"pollutedViaPrototype":"yes"},"n":1}';

const POLLUTION_KEYS = ['polluted', 'pollutedViaCookie', 'pollutedViaCookieCtor', 'pollutedViaCtor', 'pollutedViaPrototype'];

function expectNoPollution(): void {
  const probes: object[] = [{}, Object.prototype, Function.prototype, Array.prototype, session.Session.prototype, session.Cookie.prototype];
  for (const probe of probes) for (const key of POLLUTION_KEYS) expect((probe as Record<string, unknown>)[key]).toBeUndefined();
}

const stores: Array<{ close?: () => unknown }> = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close?.();
});
afterAll(removeTempStores);

/** A store of the given package, outside this package's fast paths, that hands back JSON.parse of stored text. */
function foreignStore(pkg: typeof session): any {
  const Base = pkg.Store as unknown as new () => object;
  return new (class extends Base {
    data = new Map<string, string>();
    get(sid: string, cb: any) {
      const text = this.data.get(sid);
      setImmediate(() => cb(null, text === undefined ? undefined : JSON.parse(text)));
    }
    set(sid: string, sess: unknown, cb: any) {
      this.data.set(sid, JSON.stringify(sess));
      setImmediate(() => cb?.());
    }
    destroy(sid: string, cb: any) {
      this.data.delete(sid);
      setImmediate(() => cb?.());
    }
  })();
}

function seed(store: any, sid: string, json: string): Promise<void> {
  if (store.data instanceof Map) {
    store.data.set(sid, json);
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => store.set(sid, JSON.parse(json), (err: unknown) => (err ? reject(err) : resolve())));
}

function readBack(store: any, sid: string): Promise<any> {
  return new Promise((resolve, reject) => store.get(sid, (err: unknown, s: unknown) => (err ? reject(err) : resolve(s))));
}

function appWith(pkg: typeof session, store: any) {
  const app = express4();
  app.use(pkg({ secret: SECRET, resave: false, saveUninitialized: false, store }));
  app.get('/inspect', (req: any, res: any) => {
    const s = req.session;
    req.session.n = (req.session.n ?? 0) + 1;
    res.json({
      n: s.n,
      saveIsMethod: typeof s.save === 'function',
      sessionProtoIntact: Object.getPrototypeOf(s) === pkg.Session.prototype,
      cookieIsCookie: Object.getPrototypeOf(s.cookie) === pkg.Cookie.prototype,
      originalMaxAge: 'originalMaxAge' in s.cookie ? s.cookie.originalMaxAge : 'missing',
      ownProto: Object.prototype.hasOwnProperty.call(s, '__proto__'),
      plainObjectClean: ({} as any).polluted === undefined,
    });
  });
  app.get('/poison/:kind', (req: any, res: any) => {
    if (req.params.kind === 'bigint') req.session.big = 10n;
    else {
      const cycle: any = { name: 'cycle' };
      cycle.self = cycle;
      req.session.cycle = cycle;
    }
    res.send('should not be sent');
  });
  app.use((err: any, _req: any, res: any, _next: any) => {
    res.status(500).json({ code: err.code ?? null, message: err.message });
  });
  return app;
}

const STORE_KINDS = {
  MemoryStore: () => new session.MemoryStore(),
  LmdbStore: () => new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 }),
  'a foreign store': () => foreignStore(session),
} as const;

describe('prototype keys in stored data never pollute', () => {
  it.each(Object.keys(STORE_KINDS) as Array<keyof typeof STORE_KINDS>)('through %s', async (kind) => {
    const store = STORE_KINDS[kind]();
    stores.push(store);
    await seed(store, SID, HOSTILE_JSON);
    const res = await request(appWith(session, store)).get('/inspect').set('Cookie', cookieFor(SID));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      n: 2,
      saveIsMethod: true,
      sessionProtoIntact: true,
      cookieIsCookie: true,
      originalMaxAge: null,
      ownProto: false,
      plainObjectClean: true,
    });
    expectNoPollution();
    // The modified session was saved back and reads as data again.
    const stored = await readBack(store, SID);
    expect(stored.n).toBe(2);
    expectNoPollution();
  });

  it('agrees with express-session on what the app sees', async () => {
    const ours = foreignStore(session);
    const theirs = foreignStore(reference);
    await seed(ours, SID, HOSTILE_JSON);
    await seed(theirs, SID, HOSTILE_JSON);
    const a = await request(appWith(session, ours)).get('/inspect').set('Cookie', cookieFor(SID));
    const b = await request(appWith(reference, theirs)).get('/inspect').set('Cookie', cookieFor(SID));
    // express-session lets the cookie's own `__proto__` key replace the Cookie prototype; this package drops that key.
    const mask = { sessionProtoIntact: undefined, cookieIsCookie: undefined, originalMaxAge: undefined };
    expect({ ...a.body, ...mask }).toEqual({ ...b.body, ...mask });
    expect(b.body.cookieIsCookie).toBe(false);
    expect(a.body.cookieIsCookie).toBe(true);
    expect(a.status).toBe(b.status);
    expectNoPollution();
  });
});

describe('data JSON cannot hold fails only its own request', () => {
  it.each([
    ['MemoryStore', 'bigint'],
    ['MemoryStore', 'cycle'],
    ['LmdbStore', 'bigint'],
    ['LmdbStore', 'cycle'],
    ['a foreign store', 'bigint'],
    ['a foreign store', 'cycle'],
  ] as const)('%s, %s: next(err) ERR_SESSION_SERIALIZE with a clear message; other sessions untouched', async (kind, poison) => {
    const store = STORE_KINDS[kind]();
    stores.push(store);
    const bystander = '{"cookie":{"originalMaxAge":null,"path":"/","httpOnly":true},"n":7}';
    await seed(store, OTHER, bystander);
    await seed(store, SID, '{"cookie":{"originalMaxAge":null,"path":"/","httpOnly":true},"n":1}');
    const app = appWith(session, store);
    const res = await request(app).get(`/poison/${poison}`).set('Cookie', cookieFor(SID));
    expect(res.status).toBe(500);
    // The route's res.send set text/html before the failure, so the error body is parsed by hand.
    const body = JSON.parse(res.text);
    expect(body.code).toBe('ERR_SESSION_SERIALIZE');
    expect(body.message).toMatch(/^session data cannot be serialised: .*(BigInt|circular)/i);
    expect(res.headers['set-cookie']).toBeUndefined();
    // Neither the poisoned session nor its neighbour changed.
    expect((await readBack(store, SID)).n).toBe(1);
    expect((await readBack(store, OTHER)).n).toBe(7);
    // And the neighbour still works.
    const next = await request(app).get('/inspect').set('Cookie', cookieFor(OTHER));
    expect(next.body.n).toBe(8);
  });
});
