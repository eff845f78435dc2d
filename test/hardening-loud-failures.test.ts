/**
 * Fail loudly, never silently (issue 17): a write our own stores refuse fails
 * the request before any byte is sent; a throw in the end-of-response work
 * still lets one response out; a long ID is "not found"; a response the app
 * ended looks ended while the middleware holds it. Each case runs on every
 * store it applies to — MemoryStore, LmdbStore (both driven through their own
 * fast path) and a callback store (our MemoryStore with its methods wrapped by
 * the app, which keeps express-session's behaviour: the response as the app
 * wrote it, then next(err)) — and asserts one response, its status, the
 * Set-Cookie, and what the store holds afterwards.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { express4, httpRequest, listen, type HttpResult } from './helpers/differential';
import { reference, session } from './helpers/package';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';
import { signedSessionCookie } from './helpers/signed-cookie';

const SECRET = 'loud failures';
const cookieFor = (id: string) => signedSessionCookie(id, SECRET);
const cookieOf = (res: HttpResult) => (res.headers['set-cookie'] as string[] | undefined)?.[0]?.split(';')[0];

type Kind = 'MemoryStore' | 'LmdbStore' | 'callback store';
const KINDS: Kind[] = ['MemoryStore', 'LmdbStore', 'callback store'];

const closers: Array<() => unknown> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(removeTempStores);

/** A store of the given kind; the callback store is a MemoryStore whose methods the app wrapped (so it is driven by callbacks). */
function storeOf(kind: Kind): any {
  if (kind === 'LmdbStore') {
    const store = new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 });
    closers.push(() => store.close());
    return store;
  }
  const store: any = new session.MemoryStore({ maxBytes: 1024 * 1024 });
  closers.push(() => store.close());
  if (kind === 'callback store') {
    for (const op of ['get', 'set', 'destroy', 'touch'] as const) {
      const own = store[op];
      store[op] = (...args: unknown[]) => own.apply(store, args);
    }
  }
  return store;
}

const peek = (store: any, sid: string) => call<any>((cb) => store.get(sid, cb));

interface Outcome {
  response: HttpResult;
  /** Codes (or messages) the app's error handler received, in order, by the time the test looks. */
  errors: string[];
  routeRuns: number;
}

type Route = (req: any, res: any, next: any) => void;

/** One app on `pkg` with `store` and the routes given; requests return once answered (or fail the test after 2 s). */
async function appWith(pkg: typeof session, store: any, routes: Record<string, Route>, extra: Record<string, unknown> = {}) {
  const app = express4();
  const errors: string[] = [];
  let routeRuns = 0;
  app.use(pkg({ secret: SECRET, resave: false, saveUninitialized: false, store, ...extra } as any));
  for (const [path, route] of Object.entries(routes)) {
    app.get(path, (req: any, res: any, next: any) => {
      routeRuns++;
      route(req, res, next);
    });
  }
  app.use((err: any, _req: any, res: any, _next: any) => {
    errors.push(err?.code ?? err?.message ?? String(err));
    if (!res.headersSent) res.status(500).type('text').send('failed ' + (err?.code ?? ''));
  });
  const server = await listen(app);
  closers.push(() => server.close());
  return async (path: string, cookie?: string): Promise<Outcome> => {
    const before = routeRuns;
    const response = await Promise.race([
      httpRequest(server.port, path, cookie ? { cookie } : {}),
      new Promise<never>((_r, reject) => setTimeout(() => reject(new Error(`no response to ${path}`)), 2000)),
    ]);
    // Deferred next(err) calls (after the response) land within a few turns.
    await new Promise((r) => setTimeout(r, 30));
    return { response, errors: errors.splice(0), routeRuns: routeRuns - before };
  };
}

const countRoute: Route = (req, res) => {
  req.session.n = (req.session.n ?? 0) + 1;
  res.json({ id: req.sessionID, n: req.session.n });
};
const bigRoute: Route = (req, res) => {
  req.session.blob = 'x'.repeat(2 * 1024 * 1024);
  res.json({ id: req.sessionID });
};

describe('a write our store refuses fails the request before any byte; a callback store keeps express-session\'s order', () => {
  it.each(['MemoryStore', 'callback store'] as const)('a new session larger than maxBytes on %s', async (kind) => {
    const store = storeOf(kind);
    const get = await appWith(session, store, { '/big': bigRoute });
    const { response, errors, routeRuns } = await get('/big');
    expect(routeRuns).toBe(1);
    expect(errors).toEqual(['ERR_SESSION_TOO_LARGE']);
    if (kind === 'MemoryStore') {
      expect(response.status).toBe(500);
      expect(response.body).toBe('failed ERR_SESSION_TOO_LARGE');
      expect(response.headers['set-cookie']).toBeUndefined();
    } else {
      expect(response.status).toBe(200);
      expect(response.headers['set-cookie']).toHaveLength(1);
    }
    expect(store.stats().entries).toBe(0);
  });

  it.each(['MemoryStore', 'callback store'] as const)('an existing session growing past maxBytes on %s keeps its stored data', async (kind) => {
    const store = storeOf(kind);
    const get = await appWith(session, store, { '/count': countRoute, '/big': bigRoute });
    const first = await get('/count');
    const sid = JSON.parse(first.response.body).id;
    const { response, errors } = await get('/big', cookieOf(first.response));
    expect(errors).toEqual(['ERR_SESSION_TOO_LARGE']);
    expect(response.status).toBe(kind === 'MemoryStore' ? 500 : 200);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(await peek(store, sid)).toMatchObject({ n: 1 });
    expect((await peek(store, sid)).blob).toBeUndefined();
  });

  it.each(KINDS)('a genid longer than the key limit on %s', async (kind) => {
    const store = storeOf(kind);
    const long = 'L'.repeat(10_000);
    const get = await appWith(session, store, { '/count': countRoute }, { genid: () => long });
    const { response, errors } = await get('/count');
    expect(errors).toEqual(['ERR_SESSION_ID_INVALID']);
    if (kind === 'callback store') {
      expect(response.status).toBe(200);
      expect(response.headers['set-cookie']).toHaveLength(1);
    } else {
      expect(response.status).toBe(500);
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    expect(await peek(store, long)).toBeUndefined();
  });

  for (const [label, attr, value] of [
    ['CRLF in domain', 'domain', 'example.com\r\nX-Injected: 1'],
    ["';' in path", 'path', '/a;b'],
  ] as const) {
    it.each(KINDS)(`cookie attributes serialisation rejects (${label}) on %s`, async (kind) => {
      const store = storeOf(kind);
      const get = await appWith(session, store, {
        '/attr': (req, res) => {
          req.session.n = 1;
          req.session.cookie[attr] = value;
          res.json({ id: req.sessionID });
        },
      });
      const { response, errors } = await get('/attr');
      expect(errors).toHaveLength(1);
      expect(response.headers['set-cookie']).toBeUndefined();
      if (kind === 'callback store') {
        // The reference order: the response as the app wrote it (the store has the session), the error after.
        expect(response.status).toBe(200);
        expect(await peek(store, JSON.parse(response.body).id)).toMatchObject({ n: 1 });
      } else {
        expect(response.status).toBe(500);
        expect(response.body).not.toContain('"id"');
        expect(store.stats?.().entries ?? 0).toBe(0);
        if (kind === 'LmdbStore') expect(await call<string[]>((cb) => store.ids(cb))).toEqual([]);
      }
    });
  }

  it('an LmdbStore commit that fails (disk full) gives 500 without Set-Cookie; the app still saw an ended response meanwhile', async () => {
    const store = storeOf('LmdbStore');
    const writes = store.writes;
    writes.write = () => Promise.reject(Object.assign(new Error('LmdbStore commit failed: MDB_MAP_FULL'), { code: 'ERR_SESSION_STORE_WRITE' }));
    const seen: string[] = [];
    const get = await appWith(session, store, {
      '/count': (req, res) => {
        countRoute(req, res, undefined);
        try {
          res.setHeader('X-After', '1');
          seen.push('no throw');
        } catch (err: any) {
          seen.push(err.code);
        }
      },
    });
    const { response, errors } = await get('/count');
    expect(seen).toEqual(['ERR_HTTP_HEADERS_SENT']);
    expect(errors).toEqual(['ERR_SESSION_STORE_WRITE']);
    expect(response.status).toBe(500);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['x-after']).toBeUndefined();
    expect(await call<string[]>((cb) => store.ids(cb))).toEqual([]);
  });

  it.each(['MemoryStore', 'callback store'] as const)('after the app streamed (res.write), %s reports the refusal after the response', async (kind) => {
    const store = storeOf(kind);
    const get = await appWith(session, store, {
      '/stream': (req, res) => {
        res.write('part;');
        req.session.blob = 'x'.repeat(2 * 1024 * 1024);
        res.end('rest');
      },
    });
    const { response, errors } = await get('/stream');
    expect(response.status).toBe(200);
    expect(response.body).toBe('part;rest');
    expect(errors).toEqual(['ERR_SESSION_TOO_LARGE']);
    expect(store.stats().entries).toBe(0);
  });
});

describe('a throw in the end-of-response work still lets exactly one response out', () => {
  it.each(KINDS)("cookie.originalMaxAge set to 'abc' on %s", async (kind) => {
    const store = storeOf(kind);
    const get = await appWith(session, store, {
      '/count': countRoute,
      '/bad': (req, res) => {
        req.session.cookie.originalMaxAge = 'abc';
        req.session.n = 5;
        res.json({ id: req.sessionID });
      },
    });
    const first = await get('/count');
    const sid = JSON.parse(first.response.body).id;
    const { response, errors, routeRuns } = await get('/bad', cookieOf(first.response));
    expect(routeRuns).toBe(1);
    expect(response.status).toBe(500);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(errors).toEqual(['maxAge must be a number or Date']);
    // Nothing was written: the stored session is the one before the failed request.
    expect(await peek(store, sid)).toMatchObject({ n: 1 });
    // And the user is not locked out.
    expect((await get('/count', cookieOf(first.response))).response.status).toBe(200);
  });

  it("a foreign store answering cookie.originalMaxAge 'abc' or cookie: null: next(err) ERR_SESSION_CORRUPT before the route", async () => {
    const Base = session.Store as unknown as new () => any;
    for (const cookie of [{ originalMaxAge: 'abc', path: '/' }, null]) {
      const store = new (class extends Base {
        get(_sid: string, cb: any) {
          setImmediate(() => cb(null, { cookie, n: 1 }));
        }
        set(_sid: string, _s: any, cb: any) {
          setImmediate(cb);
        }
        destroy(_sid: string, cb: any) {
          setImmediate(cb);
        }
      })();
      const get = await appWith(session, store, { '/count': countRoute });
      const { response, errors, routeRuns } = await get('/count', cookieFor('some-session-id'));
      expect(routeRuns).toBe(0);
      expect(response.status).toBe(500);
      expect(errors).toEqual(['ERR_SESSION_CORRUPT']);
    }
  });
});

describe('a validly signed cookie with an ID longer than the key limit is not found', () => {
  it.each(KINDS)('%s: a fresh session, no error', async (kind) => {
    const store = storeOf(kind);
    const get = await appWith(session, store, { '/count': countRoute });
    const { response, errors } = await get('/count', cookieFor('K'.repeat(10_000)));
    expect(errors).toEqual([]);
    expect(response.status).toBe(200);
    const body = JSON.parse(response.body);
    expect(body.n).toBe(1);
    expect(body.id).not.toBe('K'.repeat(10_000));
    expect(await peek(store, body.id)).toMatchObject({ n: 1 });
  });
});

describe('a response the app ended behaves as ended while the middleware holds it', () => {
  /** What the app sees when it keeps using an ended response. */
  const afterEndRoute = (seen: unknown[], addedKeys: unknown[] = []): Route => (req, res) => {
    req.session.n = 1;
    const before = new Set(Reflect.ownKeys(res));
    res.end();
    addedKeys.push(...Reflect.ownKeys(res).filter((key) => !before.has(key)));
    const attempt = (what: string, fn: () => unknown) => {
      try {
        const ret = fn();
        seen.push([what, ret === res ? 'res' : ret]);
      } catch (err: any) {
        seen.push([what, err.code, err.message]);
      }
    };
    attempt('headersSent', () => res.headersSent);
    attempt('setHeader', () => res.setHeader('Content-Length', '3'));
    attempt('removeHeader', () => res.removeHeader('Content-Type'));
    attempt('appendHeader', () => res.appendHeader('X-A', '1'));
    attempt('writeHead', () => res.writeHead(201));
    attempt('end again', () => res.end());
    res.on('error', (err: any) => seen.push(['error event', err.code]));
    attempt('write', () => res.write('late', (err: any) => seen.push(['write callback', err?.code])));
    attempt('end with data', () => res.end('foo', (err: any) => seen.push(['end callback', err?.code])));
  };

  async function observe(build: (seen: unknown[]) => Promise<(path: string) => Promise<Outcome>>) {
    const seen: unknown[] = [];
    const get = await build(seen);
    const { response } = await get('/');
    await new Promise((r) => setTimeout(r, 20));
    return { seen, response };
  }

  it.each(['LmdbStore', 'callback store'] as const)('%s: header changes throw, a second end is a no-op, a write fails as Node\'s do', async (kind) => {
    // Node itself, with no session middleware: what an ended response does.
    const node = await observe(async (seen) => {
      const app = express4();
      app.get('/', (req: any, res: any) => afterEndRoute(seen)({ session: {} }, res, undefined));
      const server = await listen(app);
      closers.push(() => server.close());
      return async (path) => ({ response: await httpRequest(server.port, path), errors: [], routeRuns: 1 });
    });
    const store = storeOf(kind);
    if (kind === 'callback store') {
      // Answers a little later, so the response is held while the app goes on.
      const set = store.set;
      store.set = (sid: string, sess: unknown, cb: any) => setTimeout(() => set(sid, sess, cb), 20);
    }
    const addedKeys: unknown[] = [];
    const ours = await observe(async (seen) => appWith(session, store, { '/': afterEndRoute(seen, addedKeys) }));
    expect(ours.seen).toEqual(node.seen);
    // The ended view comes from wrappers on ServerResponse.prototype: the held response itself gains no property.
    expect(addedKeys).toEqual([]);
    expect(ours.seen).toContainEqual(['setHeader', 'ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client']);
    expect(ours.seen).toContainEqual(['write callback', 'ERR_STREAM_WRITE_AFTER_END']);
    // The held response went out whole: no Content-Length 3 over an empty body, the cookie of the stored session.
    expect(ours.response.status).toBe(200);
    expect(ours.response.body).toBe('');
    expect(ours.response.headers['content-length']).not.toBe('3');
    expect(ours.response.headers['set-cookie']).toHaveLength(1);
  });
});

describe('differential: a refusing store driven by callbacks gives express-session\'s exact response and error', () => {
  /** A foreign-style store of `pkg` that keeps sessions in one of our MemoryStores (which refuses what exceeds maxBytes). */
  function foreign(pkg: typeof session): any {
    const inner: any = new session.MemoryStore({ maxBytes: 1024 * 1024 });
    closers.push(() => inner.close());
    const Base = pkg.Store as unknown as new () => any;
    return new (class extends Base {
      get(sid: string, cb: any) {
        inner.get(sid, cb);
      }
      set(sid: string, s: any, cb: any) {
        inner.set(sid, s, cb);
      }
      destroy(sid: string, cb: any) {
        inner.destroy(sid, cb);
      }
    })();
  }

  it.each([
    ['a new session too large', '/big', false],
    ['an existing session growing too large', '/big', true],
    ['a genid too long', '/count', false],
  ] as const)('%s', async (label, path, existing) => {
    const results: unknown[] = [];
    for (const pkg of [reference, session]) {
      const extra = label === 'a genid too long' ? { genid: () => 'L'.repeat(10_000) } : {};
      const get = await appWith(pkg, foreign(pkg), { '/count': countRoute, '/big': bigRoute }, extra);
      const cookie = existing ? cookieOf((await get('/count')).response) : undefined;
      const { response, errors, routeRuns } = await get(path, cookie);
      results.push({
        status: response.status,
        body: response.body.replace(/"id":"[^"]+"/, '"id":…'),
        setCookie: (response.headers['set-cookie'] as string[] | undefined)?.length ?? 0,
        errors,
        routeRuns,
      });
    }
    expect(results[1]).toEqual(results[0]);
    expect((results[1] as { errors: string[] }).errors).toHaveLength(1);
  });
});
