/**
 * req.session.save/reload/destroy/regenerate without a callback return a
 * promise of the store's answer; with one they return the session as
 * before. A promise nobody awaits never becomes an unhandled rejection.
 * The Express 5 async-handler flow runs on Express 5 and 4, and an app
 * written with callbacks (or fire-and-forget save/destroy) still behaves
 * exactly as on express-session.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assertSameTranscript,
  buildApp,
  createRecordingStore,
  EXPRESS_VERSIONS,
  httpRequest,
  listen,
  runBoth,
  settle,
  type Step,
} from './helpers/differential';
import { reference, session } from './helpers/package';

const root = path.resolve(__dirname, '..');
const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

/** The login flow of an Express 5 app, with promises (ours) or by hand-made promises around callbacks (express-session). */
function loginRoutes(usePromises: boolean) {
  const call = (sess: any, method: string) =>
    usePromises ? sess[method]() : new Promise<void>((resolve, reject) => sess[method]((err: unknown) => (err ? reject(err) : resolve())));
  return (app: any) => {
    app.get('/login', async (req: any, res: any, next: any) => {
      try {
        await call(req.session, 'regenerate');
        req.session.user = 'ada';
        await call(req.session, 'save');
        res.redirect('/none');
      } catch (err) {
        next(err); // Express 4 does not catch a rejected handler; Express 5 would.
      }
    });
    app.get('/logout', async (req: any, res: any, next: any) => {
      try {
        await call(req.session, 'destroy');
        res.send('bye');
      } catch (err) {
        next(err);
      }
    });
    app.get('/refresh', async (req: any, res: any, next: any) => {
      try {
        req.session.scratch = 'unsaved';
        await call(req.session, 'reload');
        res.json({ scratch: req.session.scratch ?? null, user: req.session.user ?? null });
      } catch (err) {
        next(err);
      }
    });
  };
}

const LOGIN_STEPS: Step[] = [
  { path: '/modify' },
  { path: '/login' },
  { path: '/none' },
  { path: '/refresh' },
  { path: '/logout' },
  { path: '/none' },
];

describe.each(EXPRESS_VERSIONS)('promise forms under %s', (_name, express) => {
  it('await regenerate(); set user; await save(); redirect — the same requests, cookies and store calls as the callback flow on express-session', async () => {
    const ref = await runBoth(
      (pkg) => buildApp({ pkg, express, sessionOptions: base, routes: loginRoutes(pkg !== reference) }),
      LOGIN_STEPS,
    );
    assertSameTranscript(ref.reference, ref.session, 'login flow', LOGIN_STEPS);
    expect(ref.session).toEqual(ref.reference);
    // The flow did what it says: the user is in the stored session after the redirect.
    expect(ref.session[2]!.body).toMatchObject({ after: { json: { user: 'ada' } } });
    expect(ref.session[3]!.body).toEqual({ scratch: null, user: 'ada' });
  });

  it('an awaited save() rejects with the store’s error, which reaches the error handler', async () => {
    const app = express();
    const store = createRecordingStore(session, { failWith: { set: () => new Error('set failed') } });
    app.use(session({ ...base, store }));
    app.get('/', async (req: any, res: any, next: any) => {
      req.session.user = 'ada';
      try {
        await req.session.save();
        res.send('saved');
      } catch (err) {
        res.status(503).send(`caught: ${(err as Error).message}`);
        void next;
      }
    });
    const server = await listen(app);
    try {
      const res = await httpRequest(server.port, '/');
      expect(res.status).toBe(503);
      expect(res.body).toBe('caught: set failed');
    } finally {
      await server.close();
    }
  });
});

describe('Express 5 passes a rejected promise form to next(err)', () => {
  const [, express5] = EXPRESS_VERSIONS[1];
  it('reload() of a session the store no longer has rejects with ERR_SESSION_NOT_FOUND', async () => {
    const app = express5();
    const store = new session.MemoryStore();
    app.use(session({ ...base, saveUninitialized: true, store }));
    app.get('/', async (req: any, res: any) => {
      await new Promise<void>((resolve) => store.destroy(req.sessionID, () => resolve()));
      await req.session.reload();
      res.send('not reached');
    });
    app.use((err: any, _req: any, res: any, _next: any) => res.status(500).send(`${err.code}: ${err.message}`));
    const server = await listen(app);
    try {
      const res = await httpRequest(server.port, '/');
      expect(res.body).toBe('ERR_SESSION_NOT_FOUND: failed to load session');
    } finally {
      await server.close();
    }
  });
});

describe('return values', () => {
  /** Calls each method inside a request and reports what it returned. */
  async function returned(call: (sess: any) => unknown): Promise<string> {
    const [, express] = EXPRESS_VERSIONS[0];
    const app = express();
    app.use(session({ ...base, saveUninitialized: true, store: new session.MemoryStore() }));
    let seen = '';
    app.get('/', (req: any, res: any) => {
      const sess = req.session;
      const value = call(sess);
      seen = value === sess ? 'the session' : value instanceof Promise ? 'a Promise' : String(value);
      res.send('ok');
    });
    const server = await listen(app);
    try {
      await httpRequest(server.port, '/');
      await settle();
    } finally {
      await server.close();
    }
    return seen;
  }

  const noop = () => {};
  it.each([
    ['save(cb)', 'the session', (s: any) => s.save(noop)],
    ['reload(cb)', 'the session', (s: any) => s.reload(noop)],
    ['destroy(cb)', 'the session', (s: any) => s.destroy(noop)],
    ['regenerate(cb)', 'the session', (s: any) => s.regenerate(noop)],
    ['regenerate(options, cb)', 'the session', (s: any) => s.regenerate({ keep: true }, noop)],
    ['save()', 'a Promise', (s: any) => s.save()],
    ['reload()', 'a Promise', (s: any) => s.reload()],
    ['destroy()', 'a Promise', (s: any) => s.destroy()],
    ['regenerate()', 'a Promise', (s: any) => s.regenerate()],
    ['regenerate(options)', 'a Promise', (s: any) => s.regenerate({ keep: ['a'] })],
  ])('%s returns %s', async (_label, expected, call) => {
    expect(await returned(call)).toBe(expected);
  });

  it('the promise resolves to undefined once the store has answered', async () => {
    const store = createRecordingStore(session);
    const sess = new session.Session({ sessionID: 'sid-1', sessionStore: store } as any);
    sess.cookie = new session.Cookie();
    sess.views = 1;
    const promise = sess.save();
    expect(store.data.has('sid-1')).toBe(true); // the store was called at once
    await expect(promise).resolves.toBeUndefined();
  });
});

describe('fire and forget', () => {
  it('an app calling save() and destroy() without a callback behaves exactly as on express-session (same store calls)', async () => {
    for (const [, express] of EXPRESS_VERSIONS) {
      const routes = (app: any) => {
        app.get('/ff-save', (req: any, res: any) => {
          req.session.views = 7;
          req.session.save();
          res.send('saved');
        });
        app.get('/ff-destroy', (req: any, res: any) => {
          req.session.destroy();
          res.send('destroyed');
        });
      };
      const steps: Step[] = [{ path: '/modify' }, { path: '/ff-save' }, { path: '/none' }, { path: '/ff-destroy' }, { path: '/none' }];
      for (const sessionOptions of [base, { ...base, resave: true, saveUninitialized: true, unset: 'destroy' }]) {
        const both = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions, routes }), steps);
        assertSameTranscript(both.reference, both.session, 'fire and forget', steps);
        expect(both.session).toEqual(both.reference);
      }
    }
  });

  it('un-awaited promises of a failing store raise no unhandledRejection in this process', async () => {
    const [, express] = EXPRESS_VERSIONS[0];
    const failing = () => new Error('store down');
    const store = createRecordingStore(session, { failWith: { get: failing, set: failing, destroy: failing } });
    const app = express();
    app.use(session({ ...base, saveUninitialized: true, store }));
    app.get('/', (req: any, res: any) => {
      req.session.save();
      req.session.reload();
      req.session.regenerate({ keep: true });
      req.session.destroy();
      res.send('ok');
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const server = await listen(app);
    try {
      expect((await httpRequest(server.port, '/')).body).toBe('ok');
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await server.close();
    }
    expect(unhandled).toEqual([]);
    // Each method did reach the failing store.
    expect(store.calls.map(([op]: [string]) => op).sort()).toEqual(['destroy', 'destroy', 'get', 'set']);
  });

  it('a Node process with default settings survives them, and awaiting still sees the error', () => {
    const script = `
      const session = require(${JSON.stringify(root)});
      const store = new session.MemoryStore();
      store.set = (sid, sess, cb) => setImmediate(cb, new Error('set failed'));
      store.get = (sid, cb) => setImmediate(cb, new Error('get failed'));
      store.destroy = (sid, cb) => setImmediate(() => cb && cb(new Error('destroy failed')));
      const mw = session({ secret: 's', resave: false, saveUninitialized: false, store });
      const req = { headers: {}, url: '/', originalUrl: '/' };
      const res = { getHeader() {}, setHeader() {}, writeHead() {}, end() {}, on() {}, once() {}, emit() {} };
      mw(req, res, async () => {
        const s = req.session;
        s.save(); s.reload(); s.destroy();
        req.session = s; s.regenerate();
        let seen = 'none';
        try { await req.session.save(); } catch (err) { seen = err.message; }
        setTimeout(() => console.log('alive, awaited: ' + seen), 50);
      });
    `;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('alive, awaited: set failed');
  });
});

describe('storeTimeout bounds the promise forms too', () => {
  it('a save() the store never answers rejects with ERR_SESSION_STORE_TIMEOUT', async () => {
    const [, express] = EXPRESS_VERSIONS[1];
    const store = createRecordingStore(session);
    store.set = () => {}; // never answers
    const app = express();
    app.use(session({ ...base, store, storeTimeout: 30 }));
    app.get('/', async (req: any, res: any) => {
      req.session.user = 'ada';
      const err = await req.session.save().then(
        () => null,
        (e: any) => e,
      );
      res.send(String(err?.code));
    });
    const server = await listen(app);
    try {
      expect((await httpRequest(server.port, '/')).body).toBe('ERR_SESSION_STORE_TIMEOUT');
    } finally {
      await server.close();
    }
  });
});
