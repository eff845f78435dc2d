/**
 * Cookie, Session, Store and MemoryStore used directly, as apps and stores
 * do, with express-session's classes as the oracle: the same own keys,
 * enumerability, JSON, countdowns, errors and store answers.
 */
import { describe, expect, it, vi } from 'vitest';
import { reference, session } from './helpers/package';

const PKGS = [
  ['express-session', reference],
  ['wasm-session', session],
] as const;

/** Runs `probe` against both packages and expects the same result. */
function same<T>(probe: (pkg: typeof session) => T): T {
  const ref = probe(reference);
  const ours = probe(session);
  expect(ours).toEqual(ref);
  return ours;
}

function callback<T>(fn: (cb: (err: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

const FIXED = new Date('2031-01-02T03:04:05.000Z');

describe('Cookie', () => {
  it('defaults: own keys, JSON, data, maxAge', () => {
    same((pkg) => {
      const c = new pkg.Cookie();
      return { keys: Object.keys(c), json: JSON.stringify(c), data: c.data, maxAge: c.maxAge, proto: Object.keys(Object.getPrototypeOf(c)) };
    });
  });

  it('options copied in order; of expires and maxAge the later one wins', () => {
    same((pkg) => {
      const a = new pkg.Cookie({ maxAge: 60_000, expires: FIXED } as any);
      const b = new pkg.Cookie({ expires: FIXED, maxAge: 60_000 } as any);
      return {
        aExpires: (a.expires as Date).toISOString(),
        bHasFixed: (b.expires as Date).getTime() === FIXED.getTime(),
        bOriginal: b.originalMaxAge,
        aKeys: Object.keys(a),
        bKeys: Object.keys(b),
      };
    });
  });

  // On a fake clock: with the real one a millisecond may pass between setting maxAge and reading originalMaxAge.
  it('maxAge counts down from originalMaxAge; resetting restores it', () => {
    vi.useFakeTimers({ now: FIXED, toFake: ['Date'] });
    try {
      const counted = same((pkg) => {
        const c = new pkg.Cookie({ maxAge: 10_000 });
        const fresh = [c.originalMaxAge, c.maxAge];
        vi.advanceTimersByTime(2_500);
        const later = [c.originalMaxAge, c.maxAge];
        c.maxAge = c.originalMaxAge;
        const reset = [c.originalMaxAge, c.maxAge, (c.expires as Date).toISOString()];
        vi.setSystemTime(FIXED);
        return { fresh, later, reset };
      });
      expect(counted).toEqual({ fresh: [10_000, 10_000], later: [10_000, 7_500], reset: [10_000, 10_000, '2031-01-02T03:04:17.500Z'] });
    } finally {
      vi.useRealTimers();
    }
  });

  it('serialize gives the same Set-Cookie string for every attribute', () => {
    same((pkg) => {
      const c = new pkg.Cookie({
        domain: 'example.com',
        path: '/p',
        httpOnly: false,
        secure: true,
        sameSite: 'strict',
        partitioned: true,
        priority: 'low',
      } as any);
      c.expires = FIXED;
      return [c.serialize('sid', 'value'), new pkg.Cookie({ sameSite: true } as any).serialize('a', 'b')];
    });
  });

  it('a Cookie built from another Cookie (for…in sees the enumerable prototype)', () => {
    same((pkg) => {
      const first = new pkg.Cookie({ maxAge: 60_000, domain: 'x.example' });
      const copy = new pkg.Cookie(first as any);
      return { keys: Object.keys(copy).sort(), json: Object.keys(JSON.parse(JSON.stringify(copy))) };
    });
  });

  it('a stored cookie (ISO expires) becomes a Date again through createSession', () => {
    same((pkg) => {
      const store = new pkg.MemoryStore();
      const req: any = { sessionID: 'abc', sessionStore: store };
      const sess = store.createSession(req, {
        cookie: { originalMaxAge: 5000, expires: FIXED.toISOString(), httpOnly: true, path: '/' },
        n: 1,
      } as any);
      return {
        isDate: sess.cookie.expires instanceof Date,
        expires: (sess.cookie.expires as Date).toISOString(),
        original: sess.cookie.originalMaxAge,
        json: JSON.parse(JSON.stringify(sess)),
        isSession: sess instanceof pkg.Session,
        isCookie: sess.cookie instanceof pkg.Cookie,
        attached: req.session === sess,
      };
    });
  });
});

describe('Session', () => {
  it('only data is enumerable and serialises; id and req are not; stored keys never shadow methods', () => {
    same((pkg) => {
      const req: any = { sessionID: 'sid1', sessionStore: { set() {}, destroy() {} } };
      const sess: any = new pkg.Session(req, { a: 1, id: 'evil', save: 'no', req: 'x', constructor: 1, b: { c: 2 } });
      sess.cookie = new pkg.Cookie();
      return {
        id: sess.id,
        keys: Object.keys(sess),
        json: JSON.stringify(sess),
        saveIsFunction: typeof sess.save,
        proto: Object.getOwnPropertyNames(Object.getPrototypeOf(sess)).sort(),
        protoEnumerable: Object.keys(Object.getPrototypeOf(sess)),
        reqIsReq: sess.req === req,
      };
    });
  });

  it('touch and resetMaxAge return the session and restore maxAge to originalMaxAge', async () => {
    for (const [name, pkg] of PKGS) {
      const sess: any = new pkg.Session({ sessionID: 'x' } as any);
      sess.cookie = new pkg.Cookie({ maxAge: 10_000 });
      await new Promise((r) => setTimeout(r, 30));
      const counted = sess.cookie.maxAge;
      expect(counted, name).toBeLessThan(10_000 - 20);
      expect(sess.touch(), name).toBe(sess);
      expect(sess.cookie.maxAge, name).toBeGreaterThan(counted);
      // Both packages read originalMaxAge back through maxAge right after setting expires, so a millisecond may pass in between.
      expect(sess.cookie.originalMaxAge, name).toBeGreaterThanOrEqual(9_999);
      expect(sess.cookie.originalMaxAge, name).toBeLessThanOrEqual(10_000);
      await new Promise((r) => setTimeout(r, 30));
      const again = sess.cookie.maxAge;
      expect(sess.resetMaxAge(), name).toBe(sess);
      expect(sess.cookie.maxAge, name).toBeGreaterThan(again);
    }
  });

  it('reload of a session missing from the store fails with "failed to load session" (code ERR_SESSION_NOT_FOUND here)', async () => {
    for (const [name, pkg] of PKGS) {
      const store = new pkg.MemoryStore();
      const sess: any = new pkg.Session({ sessionID: 'missing', sessionStore: store } as any);
      const err = await new Promise<any>((resolve) => sess.reload(resolve));
      expect(err?.message, name).toBe('failed to load session');
      if (pkg === session) expect(err.code).toBe('ERR_SESSION_NOT_FOUND');
    }
  });
});

describe('Store', () => {
  it('is an EventEmitter whose prototype has enumerable regenerate, load, createSession', () => {
    same((pkg) => ({
      keys: Object.keys(pkg.Store.prototype),
      emitter: typeof (new (pkg.Store as any)() as any).emit,
    }));
  });

  it('load answers a Session of this package, or nothing', async () => {
    for (const [name, pkg] of PKGS) {
      const store = new pkg.MemoryStore();
      await callback((cb) => store.set('s1', { cookie: { originalMaxAge: null, expires: null, path: '/', httpOnly: true }, n: 1 } as any, cb));
      const loaded: any = await callback((cb) => store.load('s1', cb as any));
      expect(loaded, name).toBeInstanceOf(pkg.Session);
      expect(loaded.n).toBe(1);
      expect(loaded.id).toBe('s1');
      expect(await callback((cb) => store.load('nope', cb as any))).toBeUndefined();
    }
  });

  it('regenerate on a store no middleware was given reports ERR_SESSION_STORE_NOT_ATTACHED instead of throwing', async () => {
    const store = new session.MemoryStore();
    const err = await new Promise<any>((resolve) => store.regenerate({ sessionID: 'x' } as any, resolve));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('ERR_SESSION_STORE_NOT_ATTACHED');
  });
});

describe('MemoryStore answers as express-session’s', () => {
  const cookie = (ms: number | null) => ({
    originalMaxAge: ms,
    expires: ms === null ? null : new Date(Date.now() + ms).toISOString(),
    httpOnly: true,
    path: '/',
  });

  it('set, get, all, length, touch, destroy, clear; expired sessions never come back', async () => {
    for (const [name, pkg] of PKGS) {
      const store: any = new pkg.MemoryStore();
      const ask = <T>(method: string, ...args: unknown[]) => callback<T>((cb) => store[method](...args, cb));
      await ask('set', 'live', { cookie: cookie(60_000), v: 1 });
      await ask('set', 'forever', { cookie: cookie(null), v: 2 });
      await ask('set', 'expired', { cookie: cookie(-1000), v: 3 });
      expect(await ask('get', 'live'), name).toMatchObject({ v: 1 });
      expect(await ask('get', 'forever'), name).toMatchObject({ v: 2 });
      expect(await ask('get', 'expired'), name).toBeUndefined();
      expect(await ask('get', 'unknown'), name).toBeUndefined();
      const all = (await ask<Record<string, any>>('all'))!;
      expect(Object.keys(all).sort(), name).toEqual(['forever', 'live']);
      expect(await ask('length'), name).toBe(2);
      const later = cookie(120_000);
      await ask('touch', 'live', { cookie: later });
      expect(((await ask<any>('get', 'live')) as any).cookie.expires, name).toBe(later.expires);
      await ask('touch', 'unknown', { cookie: later });
      expect(await ask('get', 'unknown'), name).toBeUndefined();
      await ask('destroy', 'live');
      expect(await ask('get', 'live'), name).toBeUndefined();
      await ask('destroy', 'never-there');
      await ask('clear');
      expect(await ask('length'), name).toBe(0);
    }
  });

  it('a session stored with a cookie that expires meanwhile is dropped on read', async () => {
    for (const [name, pkg] of PKGS) {
      const store: any = new pkg.MemoryStore();
      await callback((cb) => store.set('soon', { cookie: cookie(30), v: 1 }, cb));
      expect(await callback((cb) => store.get('soon', cb)), name).toMatchObject({ v: 1 });
      await new Promise((r) => setTimeout(r, 60));
      expect(await callback((cb) => store.get('soon', cb)), name).toBeUndefined();
      expect(await callback((cb) => store.length(cb)), name).toBe(0);
    }
  });
});
