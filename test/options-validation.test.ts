/**
 * Bad configuration: the same TypeErrors as express-session (same messages),
 * thrown at setup and carrying this package's stable `code`; the same
 * deprecation warnings; and cookie attributes that only fail when the cookie
 * is serialised reach next(err) without crashing anything.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';
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

describe.each(EXPRESS_VERSIONS)('cookie attributes that fail at serialisation, under %s', (_name, express) => {
  const bad: Array<Record<string, unknown>> = [
    { domain: 'bad domain;' },
    { path: 'a;b' },
    { priority: 'urgent' },
    { sameSite: 'sometimes' },
    { expires: new Date(NaN) },
  ];
  it.each(bad)('%o', async (cookie) => {
    const steps: Step[] = [{ path: '/modify' }, { path: '/none' }];
    const { reference: ref, session: ours } = await runBoth(
      (pkg) => buildApp({ pkg, express, sessionOptions: { ...ok, cookie } }),
      steps,
    );
    assertSameTranscript(ref, ours, JSON.stringify(cookie), steps);
  });
});
