/**
 * clearCookieOnDestroy: a response whose session was destroyed (by
 * req.session.destroy(), in either form, or by unset: 'destroy') expires the
 * session cookie with the cookie's own name, path, domain and flags. Off by
 * default, and then every destroy looks exactly as on express-session.
 */
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
import { session } from './helpers/package';
import { signedSessionCookie } from './helpers/signed-cookie';

const SECRET = 'keyboard cat';
const base = { secret: SECRET, resave: false, saveUninitialized: false };
const EPOCH = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT';

const cookieFor = (sid: string, name?: string): string => signedSessionCookie(sid, SECRET, name);

function seed(store: any, sid: string, cookie: Record<string, unknown> = {}) {
  store.data.set(sid, JSON.stringify({ cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/', ...cookie }, views: 1 }));
}

function appWith(express: any, store: any, options: Record<string, unknown>) {
  const app = express();
  if (options.proxy) app.set('trust proxy', true);
  app.use(session({ ...base, store, ...options }));
  const routes = express.Router();
  routes.get('/destroy-cb', (req: any, res: any, next: any) => req.session.destroy((err: unknown) => (err ? next(err) : res.send('gone'))));
  routes.get('/destroy-await', async (req: any, res: any, next: any) => {
    try {
      await req.session.destroy();
      res.redirect('/');
    } catch (err) {
      next(err);
    }
  });
  routes.get('/null', (req: any, res: any) => {
    req.session = null;
    res.send('unset');
  });
  routes.get('/delete', (req: any, res: any) => {
    delete req.session;
    res.send('unset');
  });
  routes.get('/peek', (req: any, res: any) => res.send(String(req.session?.views)));
  app.use(routes);
  app.use('/app', routes);
  return app;
}

async function setCookieOf(app: any, path: string, headers: Record<string, string>): Promise<string[]> {
  const server = await listen(app);
  try {
    const res = await httpRequest(server.port, path, headers);
    return (res.headers['set-cookie'] ?? []) as string[];
  } finally {
    await server.close();
  }
}

describe.each(EXPRESS_VERSIONS)('clearCookieOnDestroy under %s', (_name, express) => {
  it.each(['/destroy-cb', '/destroy-await'])('%s expires the cookie and destroys the stored session', async (path) => {
    const store = createRecordingStore(session);
    seed(store, 'sid-1');
    const headers = await setCookieOf(appWith(express, store, { clearCookieOnDestroy: true }), path, { cookie: cookieFor('sid-1') });
    expect(headers).toEqual([`connect.sid=; Path=/; ${EPOCH}; HttpOnly`]);
    expect(store.data.has('sid-1')).toBe(false);
  });

  it('unset: "destroy" with req.session = null or deleted expires the cookie', async () => {
    for (const path of ['/null', '/delete']) {
      const store = createRecordingStore(session);
      seed(store, 'sid-1');
      const app = appWith(express, store, { clearCookieOnDestroy: true, unset: 'destroy' });
      expect(await setCookieOf(app, path, { cookie: cookieFor('sid-1') })).toEqual([`connect.sid=; Path=/; ${EPOCH}; HttpOnly`]);
      expect(store.data.has('sid-1')).toBe(false);
    }
  });

  it('unset: "keep" with req.session = null destroys nothing and clears nothing', async () => {
    const store = createRecordingStore(session);
    seed(store, 'sid-1');
    const app = appWith(express, store, { clearCookieOnDestroy: true });
    expect(await setCookieOf(app, '/null', { cookie: cookieFor('sid-1') })).toEqual([]);
    expect(store.data.has('sid-1')).toBe(true);
  });

  it('keeps the name, path, domain and flags the cookie was set with', async () => {
    const store = createRecordingStore(session);
    const cookie = { path: '/app', domain: 'example.com', secure: true, sameSite: 'strict', partitioned: true, httpOnly: true };
    seed(store, 'sid-2', cookie);
    const app = appWith(express, store, { clearCookieOnDestroy: true, name: 'app.sid', proxy: true, cookie });
    const headers = await setCookieOf(app, '/app/destroy-cb', { cookie: cookieFor('sid-2', 'app.sid'), 'x-forwarded-proto': 'https' });
    expect(headers).toEqual([`app.sid=; Domain=example.com; Path=/app; ${EPOCH}; HttpOnly; Secure; Partitioned; SameSite=Strict`]);
  });

  it('a secure cookie is not cleared over plain HTTP, as it is never set there', async () => {
    const store = createRecordingStore(session);
    seed(store, 'sid-3', { secure: true });
    const app = appWith(express, store, { clearCookieOnDestroy: true, cookie: { secure: true } });
    expect(await setCookieOf(app, '/destroy-cb', { cookie: cookieFor('sid-3') })).toEqual([]);
    expect(store.data.has('sid-3')).toBe(false);
  });

  it('a request whose session was not destroyed gets no clearing cookie', async () => {
    const store = createRecordingStore(session);
    seed(store, 'sid-4');
    const app = appWith(express, store, { clearCookieOnDestroy: true, unset: 'destroy' });
    expect(await setCookieOf(app, '/peek', { cookie: cookieFor('sid-4') })).toEqual([]);
    expect(store.data.has('sid-4')).toBe(true);
  });
});

describe('off by default: destroying looks exactly as on express-session', () => {
  const steps: Step[] = [
    { path: '/modify' },
    { path: '/destroy' },
    { path: '/modify' },
    { path: '/null' },
    { path: '/modify' },
    { path: '/delete' },
    { path: '/destroy', cookie: 'none' },
  ];
  it.each(EXPRESS_VERSIONS)('%s', async (_name, express) => {
    for (const unset of ['keep', 'destroy']) {
      for (const storeKind of ['recording', 'memory'] as const) {
        const sessionOptions = { ...base, unset, cookie: { maxAge: 60_000, domain: 'example.com' } };
        const both = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions, storeKind }), steps);
        assertSameTranscript(both.reference, both.session, `unset=${unset} ${storeKind}`, steps);
        expect(both.session).toEqual(both.reference);
      }
    }
  });
});
