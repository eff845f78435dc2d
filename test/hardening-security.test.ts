/**
 * Security properties: the MAC comparison reads every byte whatever the
 * first difference (proved by a probe that would trap on a read past the
 * first differing byte, not by timing); secret rotation; regenerate gives a
 * new ID and the old one stops loading (fixation); IDs are 24 CSPRNG bytes;
 * secrets never reach debug output or any error this package creates.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import signature from 'cookie-signature';
import request from 'supertest';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { express4 } from './helpers/differential';
import { session } from './helpers/package';
import { removeTempStores, tempStorePath } from './fixtures/lmdb/harness';

const require = createRequire(import.meta.url);
const root = path.resolve(__dirname, '..');
afterAll(removeTempStores);

describe('constant-time MAC comparison', () => {
  const compareSource = readFileSync(path.join(root, 'assembly/crypto/compare.ts'), 'utf8');
  const kernelSource = readFileSync(path.join(root, 'assembly/cookie-kernel.ts'), 'utf8');

  it('the loop accumulates differences and has no early exit (structure of assembly/crypto/compare.ts)', () => {
    const body = compareSource.slice(compareSource.indexOf('export function equalConstantTime'));
    const loop = body.slice(body.indexOf('for ('), body.indexOf('return diff == 0'));
    expect(loop).toMatch(/diff \|= /);
    expect(loop).not.toMatch(/\breturn\b|\bbreak\b|\bif\b|&&|\|\||\?/);
  });

  it('the kernel verifies MACs only through it, over the full MAC length', () => {
    const verify = kernelSource.slice(kernelSource.indexOf('function verifySigned'), kernelSource.indexOf('export function unsignValue'));
    expect(verify).toMatch(/equalConstantTime\(MAC_TEXT, value \+ dot \+ 1, MAC_BASE64_CHARS\)/);
    // No other look at the computed MAC's bytes.
    expect(verify.match(/MAC_TEXT/g)!.length).toBe(2);
  });

  it('compiled with the release settings, it reads past the first differing byte (a probe traps there)', () => {
    // The probe compiles the real compare.ts beside an entry that exports it, with asconfig.json's release target.
    const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-ct-'));
    try {
      writeFileSync(path.join(dir, 'compare.ts'), compareSource);
      writeFileSync(
        path.join(dir, 'probe.ts'),
        "import { equalConstantTime } from './compare';\nexport function probe(a: usize, b: usize, len: usize): bool { return equalConstantTime(a, b, len); }\n",
      );
      const asc = require.resolve('assemblyscript/bin/asc.js');
      execFileSync(
        process.execPath,
        [asc, path.join(dir, 'probe.ts'), '--config', path.join(root, 'asconfig.json'), '--target', 'release', '--initialMemory', '1', '--maximumMemory', '1', '--outFile', path.join(dir, 'probe.wasm')],
        { stdio: 'pipe' },
      );
      const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path.join(dir, 'probe.wasm'))), { env: { abort() {} } });
      const { probe, memory } = instance.exports as { probe: (a: number, b: number, len: number) => number; memory: WebAssembly.Memory };
      const bytes = new Uint8Array(memory.buffer);
      expect(bytes.length).toBe(65536);
      const a = 65536 - 8;
      const b = 1024;
      // Equal inputs inside memory: true; first byte different: false.
      bytes.fill(7, a, a + 8);
      bytes.fill(7, b, b + 8);
      expect(probe(a, b, 8)).toBe(1);
      bytes[b] = 8;
      expect(probe(a, b, 8)).toBe(0);
      // The inputs differ at byte 0 and run 32 bytes past the end of memory: an early exit would
      // answer false; a comparison that reads all `len` bytes traps on the first out-of-bounds read.
      expect(() => probe(a, b, 40)).toThrow(WebAssembly.RuntimeError);
      expect(() => probe(a, b, 40)).toThrow(/out of bounds/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the JavaScript fallback (cookie-signature 1.0.7) compares digests of the values, not the values byte by byte', () => {
    const source = readFileSync(require.resolve('cookie-signature'), 'utf8');
    expect(source).toMatch(/return sha1\(mac\) == sha1\(val\) \? str : false/);
  });
});

const SECRET_NEW = 'the-new-secret-3f9a';
const SECRET_OLD = 'the-old-secret-77c1';
const signed = (id: string, secret: string) => `connect.sid=${encodeURIComponent('s:' + signature.sign(id, secret))}`;
const idOf = (setCookie: string | string[] | undefined) => {
  const value = decodeURIComponent(String([setCookie ?? ''].flat()[0]).split(';')[0]!.split('=')[1] ?? '');
  return { id: value.slice(2, value.lastIndexOf('.')), value };
};

describe('secret rotation', () => {
  it('a cookie signed by the old secret loads, and the cookie sent back is signed by the first secret', async () => {
    const store = new session.MemoryStore();
    await new Promise<void>((r) => store.set('rotated-session', { cookie: { originalMaxAge: null, path: '/' }, who: 'ann' }, () => r()));
    const app = express4();
    app.use(session({ secret: [SECRET_NEW, SECRET_OLD], resave: false, saveUninitialized: false, rolling: true, store }));
    app.get('/', (req: any, res: any) => res.json({ who: req.session.who ?? null }));
    const res = await request(app).get('/').set('Cookie', signed('rotated-session', SECRET_OLD));
    expect(res.body.who).toBe('ann');
    const { id, value } = idOf(res.headers['set-cookie']);
    expect(id).toBe('rotated-session');
    expect(signature.unsign(value.slice(2), SECRET_NEW)).toBe('rotated-session');
    expect(signature.unsign(value.slice(2), SECRET_OLD)).toBe(false);
    // A secret dropped from the list no longer verifies.
    const app2 = express4();
    app2.use(session({ secret: [SECRET_NEW], resave: false, saveUninitialized: false, store }));
    app2.get('/', (req: any, res: any) => res.json({ who: req.session.who ?? null }));
    expect((await request(app2).get('/').set('Cookie', signed('rotated-session', SECRET_OLD))).body.who).toBe(null);
    store.close();
  });
});

describe('session fixation: regenerate', () => {
  const stores = {
    MemoryStore: () => new session.MemoryStore(),
    LmdbStore: () => new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 }),
  };
  it.each(Object.keys(stores) as Array<keyof typeof stores>)('%s: a new ID, and the pre-login ID no longer loads', async (kind) => {
    const store: any = stores[kind]();
    try {
      const app = express4();
      app.use(session({ secret: SECRET_NEW, resave: false, saveUninitialized: false, store }));
      app.get('/visit', (req: any, res: any) => {
        req.session.visits = (req.session.visits ?? 0) + 1;
        res.json({ user: req.session.user ?? null });
      });
      app.get('/login', (req: any, res: any, next: any) =>
        req.session.regenerate((err: unknown) => {
          if (err) return next(err);
          req.session.user = 'ann';
          res.json({ user: 'ann' });
        }),
      );
      // An attacker plants a session cookie on the victim's browser…
      const planted = await request(app).get('/visit');
      const before = idOf(planted.headers['set-cookie']);
      const plantedCookie = signed(before.id, SECRET_NEW);
      // …the victim logs in carrying it…
      const login = await request(app).get('/login').set('Cookie', plantedCookie);
      const after = idOf(login.headers['set-cookie']);
      expect(after.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(after.id).not.toBe(before.id);
      // …and the planted ID does not carry the login.
      const attacker = await request(app).get('/visit').set('Cookie', plantedCookie);
      expect(attacker.body.user).toBe(null);
      expect(idOf(attacker.headers['set-cookie']).id).not.toBe(before.id);
      const victim = await request(app).get('/visit').set('Cookie', signed(after.id, SECRET_NEW));
      expect(victim.body.user).toBe('ann');
      const old = await new Promise((r) => store.get(before.id, (_e: unknown, s: unknown) => r(s)));
      expect(old ?? null).toBe(null);
    } finally {
      await store.close?.();
    }
  });
});

describe('session IDs', () => {
  afterEach(() => vi.restoreAllMocks());

  it('src/session/genid.ts draws 24 bytes per ID from crypto.randomFillSync', () => {
    const source = readFileSync(path.join(root, 'src/session/genid.ts'), 'utf8');
    expect(source).toMatch(/import \{ randomFillSync \} from 'node:crypto'/);
    expect(source).toMatch(/const ID_BYTES = 24;/);
    expect(source).not.toMatch(/Math\.random/);
  });

  it('each default ID is the next 24 bytes the CSPRNG filled, in base64url (192 bits, none reused)', () => {
    const { generateSessionId } = require(path.join(root, 'dist/session/genid.js')) as { generateSessionId(): string };
    const fills: Buffer[] = [];
    const real = crypto.randomFillSync;
    vi.spyOn(crypto, 'randomFillSync').mockImplementation(((buf: Buffer) => {
      real(buf);
      fills.push(Buffer.from(buf));
      return buf;
    }) as typeof crypto.randomFillSync);
    // Drain whatever is left of the current pool, so the next IDs come from a fill we saw.
    const ids: string[] = [];
    for (let i = 0; i < 1000 && fills.length < 2; i++) {
      const id = generateSessionId();
      if (fills.length === 1) ids.push(id);
    }
    expect(fills.length).toBeGreaterThanOrEqual(1);
    const pool = fills[0]!;
    const fromFirstFill = ids.slice(0, pool.length / 24);
    expect(fromFirstFill.length).toBeGreaterThan(100);
    fromFirstFill.forEach((id, i) => {
      expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Buffer.from(id, 'base64url').equals(pool.subarray(i * 24, i * 24 + 24))).toBe(true);
    });
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('secrets stay out of debug output and errors', () => {
  const SECRETS = ['s3cr3t-alpha-DO-NOT-LOG', 's3cr3t-beta-DO-NOT-LOG'];
  const leaks = (text: string) => SECRETS.some((s) => text.includes(s) || text.includes(Buffer.from(s).toString('base64')) || text.includes(Buffer.from(s).toString('hex')));

  it('DEBUG=wasm-session output and every error the package raises carry no secret', async () => {
    const debug = require('debug') as typeof import('debug');
    const logged: string[] = [];
    const previousLog = debug.log;
    const previous = debug.disable();
    debug.enable('wasm-session');
    debug.log = (...args: unknown[]) => void logged.push(format(...args));
    const errors: any[] = [];
    try {
      const Base = session.Store as unknown as new () => any;
      const hung = new (class extends Base {
        get(_s: string, _cb: unknown) {}
        set(_s: string, _v: unknown, cb: any) { setImmediate(cb); }
        destroy(_s: string, cb: any) { setImmediate(cb); }
      })();
      const store = new session.MemoryStore();
      const secretArray = SECRETS.slice();
      const app = express4();
      app.use((req: any, _res: any, next: any) => (req.path === '/hung' ? session({ secret: SECRETS, resave: false, saveUninitialized: false, store: hung, storeTimeout: 5 })(req, _res, next) : next()));
      app.use((req: any, _res: any, next: any) => (req.path === '/nosecret' ? session({ resave: false, saveUninitialized: false } as any)(req, _res, next) : next()));
      app.use(session({ secret: secretArray, resave: false, saveUninitialized: false, store }));
      app.get('/set', (req: any, res: any) => {
        req.session.n = 1;
        res.send('ok');
      });
      app.get('/regen', (req: any, res: any, next: any) => req.session.regenerate((e: unknown) => (e ? next(e) : res.send('ok'))));
      app.get('/rotate', (_req: any, res: any) => {
        secretArray.reverse();
        res.send('ok');
      });
      app.get('/bigint', (req: any, res: any) => {
        req.session.big = 1n;
        res.send('never');
      });
      app.get(['/hung', '/nosecret'], (_req: any, res: any) => res.send('never'));
      app.use((err: any, _req: any, res: any, _next: any) => {
        errors.push(err);
        if (!res.headersSent) res.status(500).send(err.message);
      });
      const first = await request(app).get('/set');
      const cookie = String(first.headers['set-cookie']![0]).split(';')[0]!;
      await request(app).get('/set').set('Cookie', cookie);
      await request(app).get('/set').set('Cookie', cookie.replace(/.$/, '_'));
      await request(app).get('/regen').set('Cookie', cookie);
      await request(app).get('/rotate');
      await request(app).get('/set').set('Cookie', cookie);
      await request(app).get('/bigint');
      await request(app).get('/hung').set('Cookie', cookie);
      await request(app).get('/nosecret');
      store.close();
    } finally {
      debug.log = previousLog;
      debug.disable();
      if (previous) debug.enable(previous);
    }
    expect(logged.length).toBeGreaterThan(10);
    expect(logged.join('\n')).toMatch(/set-cookie connect\.sid=s%3A/);
    expect(logged.filter(leaks)).toEqual([]);
    expect(errors.map((e) => e.code).sort()).toEqual(['ERR_SESSION_SECRET_REQUIRED', 'ERR_SESSION_SERIALIZE', 'ERR_SESSION_STORE_TIMEOUT']);
    for (const err of errors) {
      expect(leaks(`${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${String(err.cause?.stack ?? '')}`)).toBe(false);
    }
  });

  it('the options object, the middleware and the store expose no secret when logged or serialised', () => {
    const store = new session.MemoryStore();
    const mw = session({ secret: SECRETS, resave: false, saveUninitialized: false, store });
    const { inspect } = require('node:util') as typeof import('node:util');
    expect(leaks(inspect(mw, { depth: 5, showHidden: true }))).toBe(false);
    expect(leaks(inspect(store, { depth: 3 }))).toBe(false);
    store.close();
  });
});
