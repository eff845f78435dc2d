/**
 * Mistakes that express-session accepts at setup and meets later (every
 * request answers 500, or the option silently means something else) fail
 * or warn here at setup: an unusable `secret`, a non-boolean flag, a
 * misspelt option key, a bad store option. express-session is run beside
 * each to show the behaviour the strictness replaces (docs/parity.md lists
 * them as intended differences).
 */
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closestName } from '../src/closest-name';
import { EXPRESS_VERSIONS } from './helpers/differential';
import { reference, session } from './helpers/package';

const express = EXPRESS_VERSIONS[0][1];
const flags = { resave: false, saveUninitialized: false };
const CODE = 'ERR_SESSION_INVALID_OPTION';

function thrown(make: () => unknown): unknown {
  try {
    make();
    return 'ok';
  } catch (err) {
    return { type: (err as Error).constructor.name, message: (err as Error).message, code: (err as { code?: unknown }).code };
  }
}

/** What one request to an app with these session options answers: status and the error message the handler saw. */
async function firstRequest(pkg: typeof session, options: Record<string, unknown>): Promise<{ status: number; error?: string }> {
  const app = express();
  app.use(pkg(options as never));
  app.get('/', (req: any, res: any) => {
    req.session.n = 1;
    res.json({});
  });
  app.use((err: Error, _req: unknown, res: any, _next: unknown) => res.status(500).json({ error: err.message }));
  const res = await request(app).get('/').timeout(2000);
  return { status: res.status, ...(res.body.error ? { error: res.body.error } : {}) };
}

describe('secret', () => {
  it.each([
    ['undefined (an unset environment variable)', undefined, 'secret option is undefined'],
    ['null', null, 'secret option is null'],
  ])('written as %s: a TypeError at setup; express-session warns, then answers 500 on every request', async (_label, secret, start) => {
    const err = thrown(() => session({ ...flags, secret } as never));
    expect(err).toMatchObject({ type: 'TypeError', code: CODE });
    expect((err as { message: string }).message).toMatch(new RegExp(`^${start}: it must be a non-empty string, Buffer or typed array, a secret KeyObject, or an array of them`));
    expect((err as { message: string }).message).toContain("cookie-parser's req.secret");
    expect(await firstRequest(reference, { ...flags, secret })).toEqual({ status: 500, error: 'secret option required for sessions' });
  });

  it.each([
    ['an empty string', '', 'secret option is empty'],
    ['an empty Buffer', Buffer.alloc(0), 'secret option is empty'],
    ['a number', 123, 'secret option is a number'],
    ['a boolean', true, 'secret option is a boolean'],
    ['a plain object', { key: 'x' }, 'secret option is an object that is not a secret KeyObject'],
    ['a private KeyObject', generateKeyPairSync('ed25519').privateKey, 'secret option is an object that is not a secret KeyObject'],
  ])('%s: a TypeError at setup', (_label, secret, start) => {
    expect(thrown(() => session({ ...flags, secret } as never))).toEqual({
      type: 'TypeError',
      code: CODE,
      message: `${start}: it must be a non-empty string, Buffer or typed array, a secret KeyObject, or an array of them`,
    });
  });

  it('a number: express-session takes it, runs the handler, and then fails to sign the cookie', async () => {
    expect(thrown(() => reference({ ...flags, secret: 123 } as never))).toBe('ok');
    const errors: string[] = [];
    const app = express();
    app.use(reference({ ...flags, secret: 123 } as never));
    app.get('/', (req: any, res: any) => {
      req.session.n = 1;
      res.json({});
    });
    app.use((err: Error, _req: unknown, res: any, _next: unknown) => {
      errors.push(err.message);
      res.end();
    });
    const res = await request(app).get('/').timeout(2000);
    // The response went out without the session cookie: the session is lost.
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(errors).toEqual([expect.stringContaining('The "key" argument must be of type string')]);
  });

  it('an array with one unusable element names it', () => {
    expect(thrown(() => session({ ...flags, secret: ['good', ''] } as never))).toEqual({
      type: 'TypeError',
      code: CODE,
      message: 'secret option array element 1 is empty: each must be a non-empty string, Buffer or typed array, a secret KeyObject',
    });
    expect(thrown(() => session({ ...flags, secret: [] } as never))).toMatchObject({ message: 'secret option array must contain one or more strings', code: CODE });
  });

  it.each([['a string', 's'], ['a Buffer', Buffer.from('b')], ['a Uint8Array', new Uint8Array([1])], ['a secret KeyObject', createSecretKey(Buffer.from('k'))], ['an array of them', ['a', Buffer.from('b')]]])(
    '%s is accepted and signs cookies',
    async (_label, secret) => {
      expect(await firstRequest(session, { ...flags, secret })).toEqual({ status: 200 });
    },
  );

  it('left out, the key keeps express-session’s route: cookie-parser’s req.secret per request, else 500', async () => {
    expect(await firstRequest(session, { ...flags })).toEqual({ status: 500, error: 'secret option required for sessions' });
    const app = express();
    app.use((req: any, _res: unknown, next: () => void) => {
      req.secret = 'from cookie-parser';
      next();
    });
    app.use(session({ ...flags }));
    app.get('/', (req: any, res: any) => {
      req.session.n = 1;
      res.json({});
    });
    const res = await request(app).get('/').expect(200);
    expect(res.headers['set-cookie']).toHaveLength(1);
  });
});

describe('resave, rolling, saveUninitialized, proxy and lazySession must be booleans', () => {
  it.each(['resave', 'rolling', 'saveUninitialized', 'proxy', 'lazySession'])('%s', (key) => {
    for (const value of ['no', 1, 0, null, {}]) {
      expect(thrown(() => session({ ...flags, secret: 's', [key]: value } as never))).toEqual({
        type: 'TypeError',
        code: CODE,
        message: `${key} option must be true or false (or left out)`,
      });
    }
    for (const value of [true, false, undefined]) expect(thrown(() => session({ ...flags, secret: 's', [key]: value } as never))).toBe('ok');
  });

  it("express-session reads resave: 'no' as true and resaves an unmodified session", async () => {
    const calls: string[] = [];
    const store = new reference.MemoryStore();
    const set = store.set.bind(store);
    store.set = (sid: string, sess: any, cb: any) => {
      calls.push('set');
      return set(sid, sess, cb);
    };
    const app = express();
    app.use(reference({ secret: 's', resave: 'no', saveUninitialized: false, store } as never));
    app.get('/login', (req: any, res: any) => {
      req.session.user = 'u';
      res.json({});
    });
    app.get('/read', (_req: unknown, res: any) => res.json({}));
    const login = await request(app).get('/login').expect(200);
    await request(app).get('/read').set('Cookie', login.headers['set-cookie']![0]!.split(';')[0]!).expect(200);
    expect(calls).toEqual(['set', 'set']);
  });
});

describe('an unknown option key warns once at setup, naming the closest known key', () => {
  let warnings: Array<{ message: string; code?: string; name: string }>;
  const onWarning = (w: Error & { code?: string }) => warnings.push({ message: w.message, code: w.code, name: w.name });
  beforeEach(() => {
    warnings = [];
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });
  // emitWarning dispatches on the next tick.
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('session(): a misspelt key, once however many middlewares repeat it', async () => {
    for (let i = 0; i < 3; i++) session({ secret: 's', resave: false, saveUnitialized: false } as never);
    await flush();
    expect(warnings).toEqual([
      {
        name: 'WasmSessionWarning',
        code: 'WARN_SESSION_UNKNOWN_OPTION',
        message: 'session() ignores the unknown option "saveUnitialized"; did you mean saveUninitialized?',
      },
    ]);
  });

  it('session(): a key like no known one lists the known keys; known keys, lazySession included, do not warn', async () => {
    session({ secret: 's', resave: false, saveUninitialized: false, lazySession: true, storeTimeout: 0, maxLifetime: 0, clearCookieOnDestroy: false });
    session({ secret: 's', resave: false, saveUninitialized: false, zzzqqq: 1 } as never);
    await flush();
    expect(warnings.map((w) => w.message)).toEqual([
      'session() ignores the unknown option "zzzqqq"; it knows secret, cookie, genid, name, key, proxy, resave, rolling, saveUninitialized, store, unset, storeTimeout, maxLifetime, clearCookieOnDestroy, lazySession',
    ]);
  });

  it('the cookie option: maxage, samesite', async () => {
    session({ secret: 's', resave: false, saveUninitialized: false, cookie: { maxage: 1000, samesite: 'lax' } } as never);
    await flush();
    expect(warnings.map((w) => w.message)).toEqual([
      'session() cookie ignores the unknown option "maxage"; did you mean maxAge?',
      'session() cookie ignores the unknown option "samesite"; did you mean sameSite?',
    ]);
  });

  it('MemoryStore: maxEntrys, sweepIntervall', async () => {
    new session.MemoryStore({ maxEntrys: 10, sweepIntervall: 0 } as never).close?.();
    await flush();
    expect(warnings.map((w) => w.message)).toEqual([
      'new MemoryStore() ignores the unknown option "maxEntrys"; did you mean maxEntries?',
      'new MemoryStore() ignores the unknown option "sweepIntervall"; did you mean sweepInterval?',
    ]);
  });

  it('LmdbStore: durabilty', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-setup-'));
    try {
      const store = new session.LmdbStore({ path: path.join(dir, 'db'), sweepInterval: 0, durabilty: 'none' } as never);
      await store.close();
      await flush();
      expect(warnings.map((w) => w.message)).toEqual(['new LmdbStore() ignores the unknown option "durabilty"; did you mean durability?']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('RedisStore: prefx, disableTtl', async () => {
    // A client that was never connected: the store's options are checked before any command.
    const client = createClient({ url: 'redis://127.0.0.1:1' });
    new session.RedisStore({ client, prefx: 'app:', disableTtl: true } as never);
    await flush();
    expect(warnings.map((w) => w.message)).toEqual([
      'new RedisStore() ignores the unknown option "prefx"; did you mean prefix?',
      'new RedisStore() ignores the unknown option "disableTtl"; did you mean disableTTL?',
    ]);
  });

  it('express-session says nothing about the same misspellings', async () => {
    reference({ secret: 's', resave: false, saveUninitialized: false, saveUnitialized2: false, cookie: { maxage2: 1 } } as never);
    await flush();
    expect(warnings).toEqual([]);
  });
});

describe('closestName', () => {
  it.each([
    ['saveUnitialized', 'saveUninitialized'],
    ['saveuninitialized', 'saveUninitialized'],
    ['maxEntrys', 'maxEntries'],
    ['sweepIntervall', 'sweepInterval'],
    ['resvae', 'resave'],
    ['secrets', 'secret'],
    ['foo', undefined],
    ['cookies', 'cookie'],
  ])('%s → %s', (name, expected) => {
    expect(closestName(name, ['secret', 'cookie', 'resave', 'saveUninitialized', 'maxEntries', 'sweepInterval', 'name'])).toBe(expected);
  });
});

describe('store options', () => {
  it.each([
    [() => new session.MemoryStore({ userKey: 5 } as never)],
    [() => new session.MemoryStore({ userKey: 'cookie' })],
    [() => new session.LmdbStore({ path: '/tmp/never-opened', userKey: '' })],
  ])('a bad userKey is a coded TypeError naming the option', (make) => {
    expect(thrown(make)).toEqual({
      type: 'TypeError',
      code: CODE,
      message: 'options.userKey must be a non-empty string naming a session field other than "cookie"',
    });
  });

  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('an LmdbStore that cannot open says what to check', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-setup-'));
    dirs.push(dir);
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    const err = thrown(() => new session.LmdbStore({ path: path.join(file, 'db'), sweepInterval: 0 })) as { message: string; code: string };
    expect(err.code).toBe('ERR_SESSION_STORE_OPEN');
    expect(err.message).toContain(path.join(file, 'db'));
    expect(err.message).toMatch(/options\.path must name a directory, or a place one can be created \(is a file in the way\?\)$/);
  });
});
