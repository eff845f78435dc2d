/**
 * Stores that misbehave: fail, throw, answer synchronously, answer twice, or
 * never answer. Where express-session has a rule (an error from get is
 * next(err); ENOENT means "not found"; a failed save is reported after the
 * response) both packages are run side by side and must agree. Where it has
 * none (a double answer, a hung store) this package must still answer each
 * request exactly once, never crash, and, with the storeTimeout option,
 * give up on a silent store with ERR_SESSION_STORE_TIMEOUT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { express4, httpRequest, listen, type HttpResult } from './helpers/differential';
import { reference, session } from './helpers/package';
import { signedSessionCookie } from './helpers/signed-cookie';

const SECRET = 'store faults secret';
const SID = 'existing-session-id-0000000000000';
const cookieFor = (id: string) => signedSessionCookie(id, SECRET);

type Mode = 'ok' | 'error' | 'enoent' | 'throw' | 'sync' | 'twice' | 'never' | 'twice-late-error';
type Op = 'get' | 'set' | 'destroy' | 'touch';

/** A store of the given package whose operations behave as `modes` says (ok = async success). */
function faultyStore(pkg: typeof session, modes: Partial<Record<Op, Mode>>): any {
  const Base = pkg.Store as unknown as new () => object;
  const data = new Map<string, string>([[SID, JSON.stringify({ cookie: { path: '/', httpOnly: true, originalMaxAge: null }, n: 41 })]]);
  function answer(mode: Mode, cb: (err?: unknown, v?: unknown) => void, value?: () => unknown): void {
    const fail = () => Object.assign(new Error('store failed'), { code: 'ESTOREFAIL' });
    switch (mode) {
      case 'ok':
        setImmediate(() => cb(null, value?.()));
        return;
      case 'sync':
        cb(null, value?.());
        return;
      case 'error':
        setImmediate(() => cb(fail()));
        return;
      case 'enoent':
        setImmediate(() => cb(Object.assign(new Error('nope'), { code: 'ENOENT' })));
        return;
      case 'throw':
        throw fail();
      case 'twice':
        setImmediate(() => {
          cb(null, value?.());
          cb(null, value?.());
        });
        return;
      case 'twice-late-error':
        setImmediate(() => cb(null, value?.()));
        setTimeout(() => cb(fail()), 20);
        return;
      case 'never':
        return;
    }
  }
  class Faulty extends Base {
    data = data;
    calls: string[] = [];
    get(sid: string, cb: any) {
      this.calls.push('get');
      answer(modes.get ?? 'ok', cb, () => (data.has(sid) ? JSON.parse(data.get(sid)!) : undefined));
    }
    set(sid: string, sess: any, cb: any) {
      this.calls.push('set');
      if ((modes.set ?? 'ok') !== 'error') data.set(sid, JSON.stringify(sess));
      answer(modes.set ?? 'ok', cb);
    }
    destroy(sid: string, cb: any) {
      this.calls.push('destroy');
      data.delete(sid);
      answer(modes.destroy ?? 'ok', cb);
    }
    touch(_sid: string, _sess: any, cb: any) {
      this.calls.push('touch');
      answer(modes.touch ?? 'ok', cb);
    }
  }
  return new Faulty();
}

interface Observed {
  status: number;
  body: string;
  /** How many times the route ran, and the error handler, over the whole test. */
  handled: number;
  errors: Array<string | null>;
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** Runs one request through an app on `pkg` with `store`; `timeoutMs` bounds the wait for a response. */
async function runOnce(
  pkg: typeof session,
  store: any,
  route: 'read' | 'write' | 'destroy',
  extra: Record<string, unknown> = {},
  settleMs = 60,
): Promise<Observed | 'no response'> {
  const app = express4();
  let handled = 0;
  const errors: Array<string | null> = [];
  app.use(pkg({ secret: SECRET, resave: false, saveUninitialized: false, store, ...extra } as any));
  app.get('/', (req: any, res: any) => {
    handled++;
    if (route === 'write') req.session.n = (req.session.n ?? 0) + 1;
    if (route === 'destroy') req.session = null;
    res.send(JSON.stringify({ n: req.session?.n ?? null }));
  });
  app.use((err: any, _req: any, res: any, _next: any) => {
    errors.push(err?.code ?? null);
    if (!res.headersSent) res.status(500).send('error ' + (err?.code ?? ''));
  });
  const server = await listen(app);
  servers.push(server);
  const response = await Promise.race<HttpResult | 'no response'>([
    httpRequest(server.port, '/', { cookie: cookieFor(SID) }),
    new Promise((r) => setTimeout(() => r('no response'), 1500)),
  ]);
  if (response === 'no response') return response;
  // Give deferred next(err) calls and late store answers time to show up.
  await new Promise((r) => setTimeout(r, settleMs));
  return { status: response.status, body: response.body, handled, errors };
}

describe('store faults where express-session has a rule: both agree', () => {
  const cases: Array<[string, Partial<Record<Op, Mode>>, 'read' | 'write' | 'destroy']> = [
    ['get errors', { get: 'error' }, 'read'],
    ['get answers ENOENT (not found)', { get: 'enoent' }, 'read'],
    ['get throws', { get: 'throw' }, 'read'],
    ['get answers synchronously', { get: 'sync' }, 'read'],
    ['set errors', { set: 'error' }, 'write'],
    ['set answers synchronously', { set: 'sync' }, 'write'],
    ['destroy errors', { destroy: 'error' }, 'destroy'],
    ['destroy answers synchronously', { destroy: 'sync' }, 'destroy'],
    ['touch errors', { touch: 'error' }, 'read'],
  ];

  it.each(cases)('%s', async (_label, modes, route) => {
    const extra = route === 'destroy' ? { unset: 'destroy' } : {};
    const ours = await runOnce(session, faultyStore(session, modes), route, extra);
    const theirs = await runOnce(reference, faultyStore(reference, modes), route, extra);
    expect(ours).not.toBe('no response');
    expect(ours).toEqual(theirs);
    expect((ours as Observed).handled).toBeLessThanOrEqual(1);
  });
});

describe('store faults express-session has no rule for: one answer per request, no crash', () => {
  it('get calling back twice runs the app once (express-session runs it twice)', async () => {
    const ours = (await runOnce(session, faultyStore(session, { get: 'twice' }), 'read')) as Observed;
    expect(ours).toMatchObject({ status: 200, handled: 1, errors: [] });
    expect(JSON.parse(ours.body)).toEqual({ n: 41 });
  });

  it('get answering, then failing later: the late error is ignored', async () => {
    const ours = (await runOnce(session, faultyStore(session, { get: 'twice-late-error' }), 'read', {}, 80)) as Observed;
    expect(ours).toMatchObject({ status: 200, handled: 1, errors: [] });
  });

  it.each(['twice', 'twice-late-error'] as const)('set answering %s finishes the response once', async (mode) => {
    const store = faultyStore(session, { set: mode });
    const ours = (await runOnce(session, store, 'write', {}, 80)) as Observed;
    expect(ours).toMatchObject({ status: 200, handled: 1, errors: [] });
    expect(JSON.parse(store.data.get(SID)).n).toBe(42);
  });

  it('set throwing: the response arrives and the error reaches next(err) after it', async () => {
    const ours = (await runOnce(session, faultyStore(session, { set: 'throw' }), 'write')) as Observed;
    expect(ours).toMatchObject({ status: 200, handled: 1, errors: ['ESTOREFAIL'] });
  });

  it('a store answering synchronously: a throw from the app after next() is the app\'s, not reported as the store\'s', () => {
    // Outside Express nothing catches for the middleware: the app's throw must surface as it is, with next() called once.
    const mw = session({ secret: SECRET, resave: false, saveUninitialized: false, store: faultyStore(session, { get: 'sync' }) });
    const req: any = { url: '/', headers: { cookie: cookieFor(SID) }, method: 'GET' };
    const res: any = { getHeader() {}, setHeader() {}, writeHead() {}, end() {} };
    const appError = new Error('thrown by the app');
    let nextCalls = 0;
    expect(() =>
      mw(req, res, () => {
        nextCalls++;
        throw appError;
      }),
    ).toThrow(appError);
    expect(nextCalls).toBe(1);
    expect(req.session.n).toBe(41);
  });

  it('a hung get holds the request without storeTimeout (as express-session does)', async () => {
    expect(await runOnce(session, faultyStore(session, { get: 'never' }), 'read')).toBe('no response');
  });
});

describe('storeTimeout (an addition: express-session has no such option)', () => {
  it('a hung get gives next(err) ERR_SESSION_STORE_TIMEOUT; the app never runs', async () => {
    const store = faultyStore(session, { get: 'never' });
    const ours = (await runOnce(session, store, 'read', { storeTimeout: 50 })) as Observed;
    expect(ours).toMatchObject({ status: 500, handled: 0, errors: ['ERR_SESSION_STORE_TIMEOUT'] });
    expect(ours.body).toBe('error ERR_SESSION_STORE_TIMEOUT');
  });

  it('a late answer after the timeout is ignored: no second next(), no app run', async () => {
    const Base = session.Store as unknown as new () => any;
    let late: (() => void) | undefined;
    const store = new (class extends Base {
      get(_sid: string, cb: any) {
        late = () => cb(null, { cookie: { path: '/', originalMaxAge: null }, n: 1 });
      }
      set(_sid: string, _s: any, cb: any) {
        setImmediate(cb);
      }
      destroy(_sid: string, cb: any) {
        setImmediate(cb);
      }
    })();
    const ours = (await runOnce(session, store, 'read', { storeTimeout: 30 })) as Observed;
    expect(ours.errors).toEqual(['ERR_SESSION_STORE_TIMEOUT']);
    late!();
    await new Promise((r) => setTimeout(r, 30));
    expect(ours.handled).toBe(0);
    expect(ours.errors).toEqual(['ERR_SESSION_STORE_TIMEOUT']);
  });

  it.each(['set', 'destroy', 'touch'] as const)('a hung %s still sends the response, then reports the timeout', async (op) => {
    const route = op === 'set' ? 'write' : op === 'destroy' ? 'destroy' : 'read';
    const extra = { storeTimeout: 40, ...(op === 'destroy' ? { unset: 'destroy' } : {}) };
    const ours = (await runOnce(session, faultyStore(session, { [op]: 'never' }), route, extra, 120)) as Observed;
    expect(ours).toMatchObject({ status: 200, handled: 1, errors: ['ERR_SESSION_STORE_TIMEOUT'] });
  });

  it.each(['save', 'reload', 'destroy', 'regenerate'] as const)('req.session.%s on a hung store calls back with the timeout error', async (method) => {
    const op: Op = method === 'save' ? 'set' : method === 'reload' ? 'get' : 'destroy';
    // Loading must work for req.session to exist: only the operation under test hangs, from its second call on for get.
    const store = faultyStore(session, {});
    const hangFrom = op === 'get' ? 2 : 1;
    let calls = 0;
    const original = store[op].bind(store);
    store[op] = (...a: any[]) => (++calls >= hangFrom ? undefined : original(...a));
    const app = express4();
    app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store, storeTimeout: 30 }));
    const outcome = new Promise<unknown>((resolve) => {
      app.get('/', (req: any, res: any) => {
        req.session[method]((err: any) => {
          resolve(err?.code ?? 'no error');
          res.send('done');
        });
      });
    });
    const server = await listen(app);
    servers.push(server);
    void httpRequest(server.port, '/', { cookie: cookieFor(SID) }).catch(() => undefined);
    expect(await outcome).toBe('ERR_SESSION_STORE_TIMEOUT');
  });

  it('a store answering in time is unaffected', async () => {
    const store = faultyStore(session, {});
    const ours = (await runOnce(session, store, 'write', { storeTimeout: 5000 })) as Observed;
    expect(ours).toMatchObject({ status: 200, handled: 1, errors: [] });
    expect(JSON.parse(store.data.get(SID)).n).toBe(42);
  });

  it('the error names the operation and the limit, and nothing else', async () => {
    const errors: any[] = [];
    const mw = session({ secret: SECRET, resave: false, saveUninitialized: false, store: faultyStore(session, { get: 'never' }), storeTimeout: 10 });
    await new Promise<void>((resolve) => {
      const req: any = { url: '/', headers: { cookie: cookieFor(SID) }, method: 'GET' };
      const res: any = { getHeader() {}, setHeader() {}, writeHead() {}, end() {} };
      mw(req, res, (err?: unknown) => {
        errors.push(err);
        resolve();
      });
    });
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0].code).toBe('ERR_SESSION_STORE_TIMEOUT');
    expect(errors[0].message).toBe('session store did not answer get within 10 ms');
  });

  it.each([
    ['a string', '100'],
    ['negative', -1],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['beyond setTimeout range', 2 ** 31],
  ])('is validated at setup: %s throws a TypeError', (_label, value) => {
    expect(() => session({ secret: 's', resave: false, saveUninitialized: false, storeTimeout: value as any })).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_SESSION_INVALID_OPTION',
        message: 'storeTimeout option must be a number of milliseconds from 0 (off) to 2147483647',
      }),
    );
  });

  it.each([0, undefined, 1, 2 ** 31 - 1])('accepts %s', (value) => {
    expect(() => session({ secret: 's', resave: false, saveUninitialized: false, storeTimeout: value })).not.toThrow();
  });
});
