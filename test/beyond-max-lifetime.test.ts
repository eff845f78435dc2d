/**
 * maxLifetime: a session older than the option since its creation is not
 * accepted however active it is (a new session starts, the old one is
 * destroyed in the store). The creation time is `cookie.createdAt`, stored
 * with the session, never in Set-Cookie nor among the data keys, never a
 * modification. Sessions saved by express-session (which drops the field)
 * restart their lifetime without an error. Without the option nothing
 * changes (the differential suite runs without it).
 */
import { describe, expect, it, vi } from 'vitest';
import {
  ACTIONS,
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
import { signedSessionCookie } from './helpers/signed-cookie';

const SECRET = 'keyboard cat';
const base = { secret: SECRET, resave: false, saveUninitialized: false };
const HOUR = 3600_000;

const cookieFor = (sid: string): string => signedSessionCookie(sid, SECRET);

function idFrom(setCookie: string[]): string | undefined {
  const mine = setCookie.find((c) => c.startsWith('connect.sid='));
  if (!mine) return undefined;
  return decodeURIComponent(mine.slice('connect.sid='.length, mine.indexOf(';'))).slice(2).split('.')[0];
}

/** An app whose routes report the session; `store` is shared by the caller. */
function app(express: any, pkg: any, store: any, options: Record<string, unknown>) {
  const a = express();
  a.use(pkg({ ...base, store, ...options }));
  a.get('/peek', (req: any, res: any) => res.json({ id: req.sessionID, keys: Object.keys(req.session), views: req.session.views ?? null }));
  a.get('/count', (req: any, res: any) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ id: req.sessionID, views: req.session.views });
  });
  return a;
}

async function get(handler: any, path: string, cookie?: string) {
  const server = await listen(handler);
  try {
    const res = await httpRequest(server.port, path, cookie ? { cookie } : {});
    const setCookie = (res.headers['set-cookie'] ?? []) as string[];
    return { body: JSON.parse(res.body), setCookie, id: idFrom(setCookie) };
  } finally {
    await server.close();
  }
}

const seeded = (createdAt: number | undefined, views = 3) =>
  JSON.stringify({
    cookie: { originalMaxAge: HOUR, expires: new Date(Date.now() + HOUR).toISOString(), httpOnly: true, path: '/', ...(createdAt === undefined ? {} : { createdAt }) },
    views,
  });

describe.each(EXPRESS_VERSIONS)('maxLifetime under %s', (_name, express) => {
  it('a new session is stamped in the store only: not in Set-Cookie, not a data key', async () => {
    const store = createRecordingStore(session);
    const before = Date.now();
    const res = await get(app(express, session, store, { maxLifetime: HOUR }), '/count');
    const saved = JSON.parse(store.data.get(res.id!)!);
    expect(saved.cookie.createdAt).toBeGreaterThanOrEqual(before);
    expect(saved.cookie.createdAt).toBeLessThanOrEqual(Date.now());
    expect(res.setCookie[0]).not.toMatch(/created/i);
    const peek = await get(app(express, session, store, { maxLifetime: HOUR }), '/peek', cookieFor(res.id!));
    expect(peek.body).toEqual({ id: res.id, keys: ['cookie', 'views'], views: 1 });
  });

  it('the stamp is not a modification: an untouched new session stays unsaved and cookieless (saveUninitialized: false)', async () => {
    const store = createRecordingStore(session);
    const res = await get(app(express, session, store, { maxLifetime: HOUR }), '/peek');
    expect(res.setCookie).toEqual([]);
    expect(store.calls).toEqual([]);
  });

  it('an outlived session is not found, however active: new ID, old one destroyed, data gone', async () => {
    const store = createRecordingStore(session);
    store.data.set('old-sid', seeded(Date.now() - HOUR - 1_000));
    const res = await get(app(express, session, store, { maxLifetime: HOUR, rolling: true }), '/count', cookieFor('old-sid'));
    expect(res.body.views).toBe(1);
    expect(res.id).toBeDefined();
    expect(res.id).not.toBe('old-sid');
    expect(store.calls.filter(([op]: [string]) => op === 'destroy')).toEqual([['destroy', 'old-sid']]);
    expect(store.data.has('old-sid')).toBe(false);
    expect(JSON.parse(store.data.get(res.id!)!).cookie.createdAt).toBeGreaterThan(Date.now() - 5_000);
  });

  it('a session within its lifetime is kept, and the stamp is carried unchanged through saves', async () => {
    const store = createRecordingStore(session);
    const created = Date.now() - HOUR + 60_000;
    store.data.set('young-sid', seeded(created));
    const res = await get(app(express, session, store, { maxLifetime: HOUR, rolling: true }), '/count', cookieFor('young-sid'));
    expect(res.body).toEqual({ id: 'young-sid', views: 4 });
    expect(JSON.parse(store.data.get('young-sid')!).cookie.createdAt).toBe(created);
  });

  it('a user active on every request is still logged out when the lifetime ends (a request every 40 ms for a second)', async () => {
    // The clock is faked (Date only) and moved 40 ms per request, so a busy machine cannot change how many requests fit in a lifetime.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2030-01-01T00:00:00Z') });
    try {
      const store = new session.MemoryStore();
      const handler = app(express, session, store, { maxLifetime: 300, rolling: true, cookie: { maxAge: HOUR } });
      const first = await get(handler, '/count');
      const ids: string[] = [];
      let cookie = cookieFor(first.id!);
      let views = 0;
      for (let i = 0; i < 25; i++) {
        vi.setSystemTime(Date.now() + 40);
        const res = await get(handler, '/count', cookie);
        if (ids.at(-1) !== res.body.id) ids.push(res.body.id);
        if (res.id) cookie = cookieFor(res.id);
        views = res.body.views;
      }
      // Sessions begun at 0, 320, 640 and 960 ms: each ends at the first request past its 300 ms, however active.
      expect(ids).toHaveLength(4);
      expect(new Set(ids).size).toBe(4);
      expect(views).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a stored session without the stamp is stamped at load, no save, and the stamp is stored by the touch', async () => {
    const store = createRecordingStore(session);
    store.data.set('legacy-sid', seeded(undefined));
    const before = Date.now();
    const res = await get(app(express, session, store, { maxLifetime: HOUR }), '/peek', cookieFor('legacy-sid'));
    expect(res.body.id).toBe('legacy-sid');
    expect(store.calls.map(([op]: [string]) => op)).toEqual(['get', 'touch']);
    expect(JSON.parse(store.data.get('legacy-sid')!).cookie.createdAt).toBeGreaterThanOrEqual(before);
  });

  it('on our MemoryStore (the fast path) too', async () => {
    const store = new session.MemoryStore();
    await new Promise((resolve) => store.set('old-sid', JSON.parse(seeded(Date.now() - 2 * HOUR)), resolve));
    const res = await get(app(express, session, store, { maxLifetime: HOUR }), '/count', cookieFor('old-sid'));
    expect(res.id).not.toBe('old-sid');
    const old = await new Promise((resolve) => store.get('old-sid', (_e: unknown, s: unknown) => resolve(s ?? null)));
    expect(old).toBeNull();
    const fresh: any = await new Promise((resolve) => store.get(res.id!, (_e: unknown, s: unknown) => resolve(s)));
    expect(typeof fresh.cookie.createdAt).toBe('number');
  });

  it('a rolling deploy: express-session reads stamped sessions without error and drops the stamp on save; the lifetime then restarts', async () => {
    const shared = new Map<string, string>();
    const ours = createRecordingStore(session);
    const theirs = createRecordingStore(reference);
    ours.data = shared;
    theirs.data = shared;
    const created = await get(app(express, session, ours, { maxLifetime: HOUR }), '/count');
    const stampedAt = JSON.parse(shared.get(created.id!)!).cookie.createdAt;
    expect(typeof stampedAt).toBe('number');

    const byReference = await get(app(express, reference, theirs, { rolling: true }), '/count', cookieFor(created.id!));
    expect(byReference.body).toEqual({ id: created.id, views: 2 });
    expect(byReference.setCookie[0]).not.toMatch(/created/i);
    expect(JSON.parse(shared.get(created.id!)!).cookie.createdAt).toBeUndefined();

    const before = Date.now();
    const back = await get(app(express, session, ours, { maxLifetime: HOUR }), '/count', cookieFor(created.id!));
    expect(back.body).toEqual({ id: created.id, views: 3 });
    expect(JSON.parse(shared.get(created.id!)!).cookie.createdAt).toBeGreaterThanOrEqual(before);
  });

  it('regenerate starts a new lifetime (the Express 5 async flow)', async () => {
    const store = createRecordingStore(session);
    store.data.set('young-sid', seeded(Date.now() - HOUR / 2));
    const a = express();
    a.use(session({ ...base, store, maxLifetime: HOUR }));
    a.get('/login', async (req: any, res: any, next: any) => {
      try {
        await req.session.regenerate({ keep: ['views'] });
        req.session.user = 'ada';
        await req.session.save();
        res.json({ id: req.sessionID });
      } catch (err) {
        next(err);
      }
    });
    const before = Date.now();
    const res = await get(a, '/login', cookieFor('young-sid'));
    const saved = JSON.parse(store.data.get(res.body.id)!);
    expect(saved).toMatchObject({ views: 3, user: 'ada' });
    expect(saved.cookie.createdAt).toBeGreaterThanOrEqual(before);
  });
});

describe('without maxLifetime nothing is added', () => {
  const steps: Step[] = [{ path: '/modify' }, { path: '/none' }, { path: '/regenerate-modify' }, { path: '/touch' }, { path: '/modify' }];
  it.each(EXPRESS_VERSIONS)('%s: every action matches express-session, stores hold no stamp', async (_name, express) => {
    for (const storeKind of ['recording', 'memory'] as const) {
      for (const action of ACTIONS) {
        const actionSteps: Step[] = [...steps, { path: `/${action}` }, { path: '/none' }];
        const both = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions: { ...base, rolling: true }, storeKind }), actionSteps);
        assertSameTranscript(both.reference, both.session, action, actionSteps);
        expect(JSON.stringify(both.session)).not.toContain('createdAt');
      }
    }
  });

  it('maxLifetime: 0 is off', async () => {
    const [, express] = EXPRESS_VERSIONS[0];
    const store = createRecordingStore(session);
    store.data.set('ancient-sid', seeded(1));
    const res = await get(app(express, session, store, { maxLifetime: 0 }), '/count', cookieFor('ancient-sid'));
    expect(res.body).toEqual({ id: 'ancient-sid', views: 4 });
    // A stamp written by a process with the option is kept as it is, for when the option returns.
    expect(JSON.parse(store.data.get('ancient-sid')!).cookie.createdAt).toBe(1);
  });
});

describe('maxLifetime and a stored session without a cookie', () => {
  it('fails the request exactly as without the option', async () => {
    const [, express] = EXPRESS_VERSIONS[0];
    const outcomes: string[] = [];
    for (const options of [{}, { maxLifetime: HOUR }]) {
      const store = createRecordingStore(session);
      store.data.set('no-cookie', JSON.stringify({ views: 1 }));
      const a = app(express, session, store, options);
      a.use((err: any, _req: any, res: any, _next: any) => res.status(500).json({ error: String(err?.message) }));
      outcomes.push(JSON.stringify((await get(a, '/peek', cookieFor('no-cookie'))).body));
    }
    expect(outcomes[1]).toBe(outcomes[0]);
    expect(outcomes[0]).toContain('error');
  });
});
