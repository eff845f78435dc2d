/**
 * regenerate({ keep }) rotates the session ID and carries data over: the old
 * ID is destroyed in the store, the new one gets a fresh cookie, on our
 * stores and on foreign ones (a callback store, memorystore, a store
 * subclassing express-session's Store, connect-redis), in the callback and
 * the promise form. A bad argument is a TypeError thrown at the call.
 */
import { createRequire } from 'node:module';
import { RedisStore } from 'connect-redis';
import { describe, expect, it } from 'vitest';
import {
  assertSameTranscript,
  buildApp,
  createRecordingStore,
  EXPRESS_VERSIONS,
  httpRequest,
  listen,
  runBoth,
  type Step,
} from './helpers/differential';
import { reference, session } from './helpers/package';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const require = createRequire(import.meta.url);
const memorystore = require('memorystore') as (pkg: unknown) => new (options?: object) => any;

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false, cookie: { maxAge: 3600_000 } };

/** A client that keeps the last session cookie, as a browser does. */
async function browse(app: any, paths: string[]) {
  const server = await listen(app);
  let jar: string | undefined;
  const out: Array<{ body: any; sid: string | undefined; setCookie: string[] }> = [];
  try {
    for (const p of paths) {
      const res = await httpRequest(server.port, p, jar ? { cookie: jar } : {});
      const setCookie = (res.headers['set-cookie'] ?? []) as string[];
      const mine = setCookie.find((c) => c.startsWith('connect.sid='));
      if (mine) jar = mine.slice(0, mine.indexOf(';'));
      out.push({ body: JSON.parse(res.body), sid: mine && decodeURIComponent(jar!).slice('connect.sid=s:'.length).split('.')[0], setCookie });
    }
  } finally {
    await server.close();
  }
  return out;
}

/** The stored session of `sid` through the store's public get. */
function stored(store: any, sid: string): Promise<any> {
  return new Promise((resolve, reject) => store.get(sid, (err: unknown, sess: unknown) => (err ? reject(err) : resolve(sess ?? null))));
}

function appWith(express: any, store: any, form: 'callback' | 'promise', keep: unknown) {
  const app = express();
  app.use(session({ ...base, store }));
  app.get('/setup', (req: any, res: any) => {
    Object.assign(req.session, { cart: ['book'], locale: 'fr', visitor: 'anon' });
    req.session.cookie.maxAge = 60_000; // the old session's own cookie, which the new one must not inherit
    res.json({ id: req.sessionID });
  });
  app.get('/login', async (req: any, res: any, next: any) => {
    const oldId = req.sessionID;
    const done = () => {
      req.session.user = 'ada';
      res.json({ oldId, id: req.sessionID, keys: Object.keys(req.session), maxAge: req.session.cookie.originalMaxAge });
    };
    if (form === 'callback') {
      req.session.regenerate(keep, (err: unknown) => (err ? next(err) : done()));
    } else {
      try {
        await req.session.regenerate(keep);
        done();
      } catch (err) {
        next(err);
      }
    }
  });
  return app;
}

type StoreFactory = () => any;
const STORES: Array<[string, StoreFactory]> = [
  ['our MemoryStore', () => new session.MemoryStore()],
  ['a callback store on our Store', () => createRecordingStore(session)],
  ['memorystore', () => new (memorystore(session))({ checkPeriod: 0 })],
  ['a store subclassing express-session’s Store', () => createRecordingStore(reference)],
];

describe.each(EXPRESS_VERSIONS)('regenerate with keep under %s', (_name, express) => {
  describe.each(STORES)('%s', (_storeName, makeStore) => {
    it.each(['callback', 'promise'] as const)('{ keep: [names] } keeps the named keys, destroys the old ID, sets a fresh cookie (%s form)', async (form) => {
      const store = makeStore();
      const [setup, login] = await browse(appWith(express, store, form, { keep: ['cart', 'locale', 'absent'] }), ['/setup', '/login']);
      const oldId = setup!.body.id;
      expect(login!.body.oldId).toBe(oldId);
      expect(login!.body.id).not.toBe(oldId);
      expect(login!.body.keys).toEqual(['cookie', 'cart', 'locale', 'user']);
      // Fresh cookie from the options; read as the response is built, so a millisecond may have passed.
      expect(login!.body.maxAge).toBeGreaterThan(3600_000 - 1000);
      expect(login!.body.maxAge).toBeLessThanOrEqual(3600_000);
      expect(login!.sid).toBe(login!.body.id); // the response carries the new ID
      expect(login!.setCookie[0]).toMatch(/Expires=/);
      expect(await stored(store, oldId)).toBeNull();
      expect(await stored(store, login!.body.id)).toMatchObject({ cart: ['book'], locale: 'fr', user: 'ada' });
      expect((await stored(store, login!.body.id)).visitor).toBeUndefined();
    });

    it.each(['callback', 'promise'] as const)('{ keep: true } keeps all the data (%s form)', async (form) => {
      const store = makeStore();
      const [setup, login] = await browse(appWith(express, store, form, { keep: true }), ['/setup', '/login']);
      expect(login!.body.keys).toEqual(['cookie', 'cart', 'locale', 'visitor', 'user']);
      expect(await stored(store, setup!.body.id)).toBeNull();
      expect(await stored(store, login!.body.id)).toMatchObject({ cart: ['book'], locale: 'fr', visitor: 'anon', user: 'ada' });
    });

    it('{ keep: false } and {} are a plain regenerate', async () => {
      for (const keep of [{ keep: false }, {}]) {
        const store = makeStore();
        const [, login] = await browse(appWith(express, store, 'promise', keep), ['/setup', '/login']);
        expect(login!.body.keys).toEqual(['cookie', 'user']);
      }
    });
  });

  it('a destroy error still gives the new session the kept data and reports the error', async () => {
    const store = createRecordingStore(session, { failWith: { destroy: () => new Error('destroy failed') } });
    const app = express();
    app.use(session({ ...base, store }));
    app.get('/setup', (req: any, res: any) => {
      req.session.cart = ['book'];
      res.json('ok');
    });
    app.get('/login', (req: any, res: any) => {
      const oldId = req.sessionID;
      req.session.regenerate({ keep: ['cart'] }, (err: any) => {
        res.json({ err: err?.message, rotated: req.sessionID !== oldId, cart: req.session.cart });
      });
    });
    const [, login] = await browse(app, ['/setup', '/login']);
    expect(login!.body).toEqual({ err: 'destroy failed', rotated: true, cart: ['book'] });
  });
});

describe('an app rotating with keep behaves as one copying the data by hand on express-session', () => {
  const handRoutes = (pkg: unknown) => (app: any) => {
    app.get('/rotate', (req: any, res: any, next: any) => {
      const done = (err: unknown) => (err ? next(err) : res.json({ views: req.session.views ?? null }));
      if (pkg === reference) {
        const views = req.session.views;
        req.session.regenerate((err: unknown) => {
          if (views !== undefined) req.session.views = views;
          done(err);
        });
      } else {
        req.session.regenerate({ keep: ['views'] }, done);
      }
    });
  };
  const steps: Step[] = [{ path: '/modify' }, { path: '/modify' }, { path: '/rotate' }, { path: '/modify' }, { path: '/rotate' }, { path: '/none' }];
  it.each(EXPRESS_VERSIONS)('%s', async (_name, express) => {
    for (const sessionOptions of [base, { ...base, resave: true, saveUninitialized: true, rolling: true }]) {
      const both = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions, routes: handRoutes(pkg) }), steps);
      assertSameTranscript(both.reference, both.session, 'rotate', steps);
      expect(both.session).toEqual(both.reference);
    }
  });
});

describe('bad regenerate arguments', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a string', 'keep', /regenerate options must be an object/],
    ['an array', ['cart'], /regenerate options must be an object/],
    ['keep as a string', { keep: 'cart' }, /options\.keep must be true, false or an array of key names/],
    ['keep with a number', { keep: ['cart', 1] }, /options\.keep must be true, false or an array of key names/],
    ['keep with the cookie', { keep: ['cookie'] }, /cannot keep "cookie"/],
    ['an unknown option (a typo)', { keeps: true }, /has no "keeps"/],
  ];
  it.each(cases)('%s: a TypeError with ERR_SESSION_INVALID_ARGUMENT, thrown at the call in both forms, before any store call', async (_label, arg, message) => {
    const store = createRecordingStore(session);
    const [, express] = EXPRESS_VERSIONS[0];
    const app = express();
    app.use(session({ ...base, store }));
    app.get('/', (req: any, res: any) => {
      const outcomes = [() => req.session.regenerate(arg, () => {}), () => req.session.regenerate(arg)].map((call) => {
        try {
          call();
          return 'no throw';
        } catch (err: any) {
          return { type: err.constructor.name, code: err.code, message: err.message };
        }
      });
      res.json({ outcomes, calls: store.calls.length });
    });
    const server = await listen(app);
    try {
      const body = JSON.parse((await httpRequest(server.port, '/')).body);
      for (const outcome of body.outcomes) {
        expect(outcome).toMatchObject({ type: 'TypeError', code: 'ERR_SESSION_INVALID_ARGUMENT' });
        expect(outcome.message).toMatch(message);
      }
      expect(body.calls).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(skipWithoutRedis)('regenerate with keep on connect-redis', () => {
  const redis = redisForSuite();
  it.each(['callback', 'promise'] as const)('%s form', async (form) => {
    const [, express] = EXPRESS_VERSIONS[1];
    const store = new RedisStore({ client: redis.client, prefix: `keep-${form}:` });
    const [setup, login] = await browse(appWith(express, store, form, { keep: ['cart'] }), ['/setup', '/login']);
    expect(login!.body.keys).toEqual(['cookie', 'cart', 'user']);
    expect(await redis.client.exists(`keep-${form}:${setup!.body.id}`)).toBe(0);
    expect(await stored(store, login!.body.id)).toMatchObject({ cart: ['book'], user: 'ada' });
  });
});
