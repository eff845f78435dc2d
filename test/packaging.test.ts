/**
 * The package surface as users load it: require() and import give the same
 * factory and classes.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { session } from './helpers/package';

const root = path.resolve(__dirname, '..');

describe('package surface', () => {
  it('require() returns the middleware factory carrying Store, MemoryStore, Cookie and Session', () => {
    expect(typeof session).toBe('function');
    for (const name of ['Store', 'MemoryStore', 'Cookie', 'Session'] as const) {
      expect(typeof session[name]).toBe('function');
    }
    const middleware = session({ secret: 's', resave: false, saveUninitialized: false });
    expect(typeof middleware).toBe('function');
    expect(middleware.length).toBe(3);
  });

  it('import gives the same factory as default and the classes as named exports', () => {
    const script = `
      import session, { Store, MemoryStore, Cookie, Session } from 'wasm-session';
      import { createRequire } from 'node:module';
      const cjs = createRequire(import.meta.url)('wasm-session');
      const same = session === cjs && Store === cjs.Store && MemoryStore === cjs.MemoryStore
        && Cookie === cjs.Cookie && Session === cjs.Session;
      console.log(same ? 'same' : 'different');
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('same');
  });
});
