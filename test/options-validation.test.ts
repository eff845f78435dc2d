/**
 * Bad configuration: the same TypeErrors as express-session (same messages),
 * thrown at setup and carrying this package's stable `code`; the same
 * deprecation warnings. Mistakes express-session only meets on a request
 * (a bad cookie attribute, a store that is no store, a bad store option)
 * fail here at setup too, with a message that names the option and what it
 * accepts; a `cookie` function's bad result is that request's next(err).
 * The secret, boolean and unknown-key checks are in setup-checks.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPRESS_VERSIONS } from './helpers/differential';
import { reference, session } from './helpers/package';

const root = path.resolve(__dirname, '..');
const ok = { secret: 's', resave: false, saveUninitialized: false };

function outcome(pkg: any, options: unknown): string {
  try {
    pkg(options);
    return 'ok';
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

describe('option validation matches express-session', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['genid string', { genid: 'x' }, 'TypeError: genid option must be a function'],
    ['genid number', { genid: 1 }, 'TypeError: genid option must be a function'],
    ['genid object', { genid: {} }, 'TypeError: genid option must be a function'],
    ['genid null (default)', { genid: null }, 'ok'],
    ['unset other string', { unset: 'foo' }, 'TypeError: unset option must be "destroy" or "keep"'],
    ['unset true', { unset: true }, 'TypeError: unset option must be "destroy" or "keep"'],
    ['unset empty (default)', { unset: '' }, 'ok'],
    ['unset keep', { unset: 'keep' }, 'ok'],
    ['unset destroy', { unset: 'destroy' }, 'ok'],
    ['secret empty array', { secret: [] }, 'TypeError: secret option array must contain one or more strings'],
    ['secret array of one', { secret: ['a'] }, 'ok'],
    ['name empty (default)', { name: '' }, 'ok'],
  ];

  it.each(cases)('%s', (_label, extra, expected) => {
    const options = { ...ok, ...extra };
    expect(outcome(reference, options)).toBe(expected);
    expect(outcome(session, options)).toBe(expected);
  });

  it('setup TypeErrors carry code ERR_SESSION_INVALID_OPTION', () => {
    for (const extra of [{ genid: 'x' }, { unset: 'x' }, { secret: [] }]) {
      expect(() => session({ ...ok, ...extra } as any)).toThrow(expect.objectContaining({ code: 'ERR_SESSION_INVALID_OPTION' }));
    }
  });

  it('no options at all works as in express-session (defaults, MemoryStore)', () => {
    expect(typeof session()).toBe('function');
    expect(typeof session(null as any)).toBe('function');
    expect(typeof reference()).toBe('function');
  });

  it('Cookie rejects a non-object and a non-number maxAge with express-session’s messages', () => {
    for (const pkg of [reference, session]) {
      expect(() => new pkg.Cookie('x' as any)).toThrow(new TypeError('argument options must be a object'));
      const cookie = new pkg.Cookie();
      expect(() => {
        (cookie as any).maxAge = '1000';
      }).toThrow(new TypeError('maxAge must be a number or Date'));
    }
  });
});

/**
 * Deprecations are printed once per call site, so each check runs in a fresh
 * process and collects depd's 'deprecation' events of both namespaces.
 */
function deprecationsIn(script: string): Array<[string, string]> {
  const prelude = `
    const warnings = [];
    process.on('deprecation', (e) => warnings.push([e.namespace, e.message]));
    process.on('exit', () => console.log(JSON.stringify(warnings)));
    const reference = require('express-session');
    const session = require('.');
  `;
  const out = execFileSync(process.execPath, ['-e', prelude + script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function byNamespace(warnings: Array<[string, string]>, namespace: string): string[] {
  return warnings.filter(([ns]) => ns === namespace).map(([, message]) => message);
}

describe('deprecation warnings match express-session', () => {
  it('undefined resave / saveUninitialized and a missing secret', () => {
    const warnings = deprecationsIn('reference({}); session({});');
    expect(byNamespace(warnings, 'express-session')).toEqual([
      'undefined resave option; provide resave option',
      'undefined saveUninitialized option; provide saveUninitialized option',
      'req.secret; provide secret option',
    ]);
    expect(byNamespace(warnings, 'wasm-session')).toEqual(byNamespace(warnings, 'express-session'));
  });

  it('none for complete options', () => {
    const warnings = deprecationsIn(`
      reference({ secret: 's', resave: false, saveUninitialized: false });
      session({ secret: 's', resave: true, saveUninitialized: true });`);
    expect(warnings).toEqual([]);
  });

  it('maxAge as a Date', () => {
    const warnings = deprecationsIn(`
      new reference.Cookie().maxAge = new Date(Date.now() + 1000);
      new session.Cookie().maxAge = new Date(Date.now() + 1000);`);
    expect(byNamespace(warnings, 'express-session')).toEqual(['maxAge as Date; pass number of milliseconds instead']);
    expect(byNamespace(warnings, 'wasm-session')).toEqual(byNamespace(warnings, 'express-session'));
  });
});


const CODE = 'ERR_SESSION_INVALID_OPTION';

/** The TypeError `make` throws, as `{ type, message, code }`, or 'ok'. */
function thrown(make: () => unknown): unknown {
  try {
    make();
    return 'ok';
  } catch (err) {
    return { type: (err as Error).constructor.name, message: (err as Error).message, code: (err as { code?: unknown }).code };
  }
}

const invalid = (message: string) => ({ type: 'TypeError', message, code: CODE });

/**
 * What express-session throws for these cookie options when a request
 * builds the session cookie and serialises it, which is where it fails
 * (the request then hangs or answers with an unrelated error).
 */
function referenceCookieFailure(cookie: unknown, name = 'connect.sid'): unknown {
  return thrown(() => new reference.Cookie(cookie as any).serialize(name, 's:v.sig'));
}

describe('cookie options are checked at setup', () => {
  const maxAge = 'cookie.maxAge option must be a finite number of milliseconds, or null';
  const expires = 'cookie.expires option must be a valid Date, or null';
  const sameSite = 'cookie.sameSite option must be true, false, "lax", "strict", "none" or "auto"';
  // [label, cookie option, our message (names the option and what it accepts), express-session's message when a request meets it]
  const rules: Array<[string, unknown, string, string | undefined]> = [
    ['cookie not an object', 'x', 'cookie option must be an object of cookie attributes, or a function returning one', 'argument options must be a object'],
    ['maxAge a string', { maxAge: '1h' }, maxAge, 'maxAge must be a number or Date'],
    ['maxAge false', { maxAge: false }, maxAge, undefined],
    ['maxAge NaN', { maxAge: NaN }, maxAge, undefined],
    ['maxAge Infinity', { maxAge: Infinity }, maxAge, undefined],
    ['maxAge an invalid Date', { maxAge: new Date(NaN) }, maxAge, undefined],
    ['expires a string', { expires: 'tomorrow' }, expires, 'option expires is invalid'],
    ['expires an invalid Date', { expires: new Date(NaN) }, expires, 'option expires is invalid'],
    ['expires a number', { expires: 0 }, expires, undefined],
    ['httpOnly not a boolean', { httpOnly: 'yes' }, 'cookie.httpOnly option must be a boolean', undefined],
    ['partitioned not a boolean', { partitioned: 1 }, 'cookie.partitioned option must be a boolean', undefined],
    ['secure neither boolean nor "auto"', { secure: 'yes' }, 'cookie.secure option must be a boolean or "auto"', undefined],
    ['path not a string', { path: 1 }, 'cookie.path option must be a string', undefined],
    ['path with a semicolon', { path: 'a;b' }, 'cookie.path option must be a URL path such as "/", without ";" or control characters', 'option path is invalid'],
    ['domain not a string', { domain: 1 }, 'cookie.domain option must be a string', undefined],
    ['domain not a host name', { domain: 'bad domain;' }, 'cookie.domain option must be a domain name such as "example.com" or ".example.com"', 'option domain is invalid'],
    ['sameSite unknown', { sameSite: 'sometimes' }, sameSite, 'option sameSite is invalid'],
    ['sameSite a number', { sameSite: 1 }, sameSite, 'option sameSite is invalid'],
    ['sameSite "AUTO" (auto is lower case only)', { sameSite: 'AUTO' }, sameSite, 'option sameSite is invalid'],
    ['priority unknown', { priority: 'urgent' }, 'cookie.priority option must be "low", "medium" or "high" (any case)', 'option priority is invalid'],
  ];

  it.each(rules)('%s', (_label, cookie, message, referenceMessage) => {
    expect(thrown(() => session({ ...ok, cookie } as any))).toEqual(invalid(message));
    // express-session takes the option and fails later, on a request.
    expect(thrown(() => reference({ ...ok, cookie } as any))).toBe('ok');
    if (referenceMessage !== undefined) expect(referenceCookieFailure(cookie)).toMatchObject({ type: 'TypeError', message: referenceMessage });
  });

  it('an invalid cookie name fails at setup, naming the option and what it accepts', () => {
    expect(thrown(() => session({ ...ok, name: 'a b' }))).toEqual(invalid("name option must be a cookie name: letters, digits and !#$%&'*+-.^_`|~ only"));
    expect(referenceCookieFailure({}, 'a b')).toMatchObject({ type: 'TypeError', message: 'argument name is invalid' });
  });

  const accepted: unknown[] = [
    undefined,
    null,
    false,
    {},
    { maxAge: 0 },
    { maxAge: -1 },
    { maxAge: 60_000 },
    { maxAge: null },
    { expires: new Date(Date.now() + 60_000) },
    { expires: null },
    { expires: false },
    { httpOnly: false, partitioned: true },
    { secure: true },
    { secure: 'auto' },
    { path: '' },
    { path: '/app' },
    { domain: 'example.com' },
    { domain: '.example.com' },
    ...[true, false, 'lax', 'Lax', 'STRICT', 'none', 'auto'].map((sameSite) => ({ sameSite })),
    ...['low', 'Medium', 'HIGH'].map((priority) => ({ priority })),
  ];
  it.each(accepted)('accepts %o, as express-session and cookie@0.7.2 do', (cookie) => {
    expect(thrown(() => session({ ...ok, cookie } as any))).toBe('ok');
    expect(thrown(() => reference({ ...ok, cookie } as any))).toBe('ok');
  });

  it('accepts maxAge as a Date (express-session’s deprecated form)', () => {
    const warnings = deprecationsIn(`session({ secret: 's', resave: false, saveUninitialized: false, cookie: { maxAge: new Date(Date.now() + 1000) } });`);
    expect(warnings).toEqual([]);
  });
});

describe('a cookie function’s result is checked per request', () => {
  const express = EXPRESS_VERSIONS[0][1];

  function appWith(cookie: (req: any) => unknown) {
    const app = express();
    const errors: any[] = [];
    app.use(session({ ...ok, cookie: cookie as never }));
    app.get('/modify', (req: any, res: any) => {
      req.session.views = 1;
      res.json({ ok: true });
    });
    app.get('/regenerate', (req: any, res: any) => {
      req.regenerating = true;
      req.session.regenerate((err: any) => res.json({ err: err ? { message: err.message, code: err.code } : null }));
    });
    app.use((err: any, _req: any, res: any, _next: unknown) => {
      errors.push(err);
      res.status(500).json({ message: err.message, code: err.code ?? null });
    });
    return { app, errors };
  }

  const bad: Array<[string, unknown, string]> = [
    ['not an object', 'x', 'cookie option function must return an object of cookie attributes, got string'],
    ['undefined', undefined, 'cookie option function must return an object of cookie attributes, got undefined'],
    ['maxAge a string', { maxAge: '1h' }, 'cookie.maxAge option must be a finite number of milliseconds, or null'],
    ['sameSite unknown', { sameSite: 'bogus' }, 'cookie.sameSite from a cookie function must be true, false, "lax", "strict" or "none" ("auto" works in the object form only)'],
    ['sameSite "auto" (honoured only in the object form)', { sameSite: 'auto' }, 'cookie.sameSite from a cookie function must be true, false, "lax", "strict" or "none" ("auto" works in the object form only)'],
    ['path not a string', { path: 7 }, 'cookie.path option must be a string'],
    ['priority unknown', { priority: 'urgent' }, 'cookie.priority option must be "low", "medium" or "high" (any case)'],
  ];
  it.each(bad)('%s reaches next(err), with or without a session cookie', async (_label, result, message) => {
    let good = true;
    const { app, errors } = appWith(() => (good ? {} : result));
    const res = await request(app).get('/modify').expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    good = false;
    await request(app).get('/modify').timeout(2000).expect(500, { message, code: CODE });
    await request(app).get('/modify').set('Cookie', cookie).timeout(2000).expect(500, { message, code: CODE });
    expect(errors.map((e) => e instanceof TypeError)).toEqual([true, true]);
  });

  it('a bad result during regenerate goes to regenerate’s callback, not an uncaught exception', async () => {
    const { app } = appWith((req) => (req.regenerating ? { maxAge: 'soon' } : {}));
    const res = await request(app).get('/modify').expect(200);
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    await request(app)
      .get('/regenerate')
      .set('Cookie', cookie)
      .timeout(2000)
      .expect(200, { err: { message: 'cookie.maxAge option must be a finite number of milliseconds, or null', code: CODE } });
  });
});

describe('the store option is checked at setup', () => {
  const notStores: Array<[string, () => unknown, string]> = [
    ['an empty object', () => ({}), 'get'],
    ['an EventEmitter without store methods', () => new EventEmitter(), 'get'],
    ['get, set and destroy but no on', () => ({ get() {}, set() {}, destroy() {} }), 'on'],
    ['an EventEmitter without destroy', () => Object.assign(new EventEmitter(), { get() {}, set() {} }), 'destroy'],
    ['a number', () => 1, 'get'],
  ];
  it.each(notStores)('%s', (_label, make, missing) => {
    expect(thrown(() => session({ ...ok, store: make() as never }))).toEqual(
      invalid(`store option must be a session store with functions get, set, destroy and on: store.${missing} is not a function`),
    );
  });

  it('express-session’s own failure for the missing on() is the tail of our message', () => {
    expect(thrown(() => reference({ ...ok, store: { get() {}, set() {}, destroy() {} } as never }))).toMatchObject({
      type: 'TypeError',
      message: 'store.on is not a function',
    });
  });

  it('a falsy store means the default MemoryStore, a minimal EventEmitter store is accepted', () => {
    for (const store of [undefined, null, false, 0, '']) expect(thrown(() => session({ ...ok, store: store as never }))).toBe('ok');
    const minimal = Object.assign(new EventEmitter(), { get() {}, set() {}, destroy() {} });
    expect(thrown(() => session({ ...ok, store: minimal as never }))).toBe('ok');
  });
});

describe('every setup TypeError carries code ERR_SESSION_INVALID_OPTION', () => {
  it.each([
    [{ genid: 'x' }, 'genid option must be a function'],
    [{ unset: 'x' }, 'unset option must be "destroy" or "keep"'],
    [{ secret: [] }, 'secret option array must contain one or more strings'],
    [{ storeTimeout: -1 }, 'storeTimeout option must be a number of milliseconds from 0 (off) to 2147483647'],
  ])('%o', (extra, message) => {
    expect(thrown(() => session({ ...ok, ...extra } as any))).toEqual(invalid(message));
  });

  it.each([
    ['x', 'MemoryStore options must be an object'],
    [{ maxBytes: 1 }, 'options.maxBytes must be an integer from 1048576 (1 MiB) to 3221225472 (3 GiB)'],
    [{ maxEntries: 0 }, 'options.maxEntries must be a positive integer below 2^32, or Infinity'],
    [{ ttl: -1 }, 'options.ttl must be a positive number of milliseconds, or Infinity'],
    [{ sweepInterval: -1 }, 'options.sweepInterval must be a number of milliseconds >= 0'],
  ])('MemoryStore %o', (options, message) => {
    expect(thrown(() => new session.MemoryStore(options as any))).toEqual(invalid(message));
  });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-session-options-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  it.each([
    [null, 'options must be an object with a path'],
    [{}, 'options.path must be a non-empty string'],
    [{ path: dir, ttl: 0 }, 'options.ttl must be a positive finite number of milliseconds'],
    [{ path: dir, sweepInterval: -1 }, 'options.sweepInterval must be 0 or a positive finite number of milliseconds'],
    [{ path: dir, sweepBatchSize: 0 }, 'options.sweepBatchSize must be a positive integer'],
    [{ path: dir, durability: 'eventually' }, 'options.durability must be "background", "commit", "flush" or "none"'],
    [{ path: dir, mapSize: 1.5 }, 'options.mapSize must be a positive integer number of bytes'],
  ])('LmdbStore %o', (options, message) => {
    expect(thrown(() => new session.LmdbStore(options as any))).toEqual(invalid(message));
  });
});
