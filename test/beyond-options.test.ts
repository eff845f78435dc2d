/**
 * The options and type declarations of the additions beyond
 * express-session: maxLifetime and clearCookieOnDestroy are validated at
 * setup (TypeError, ERR_SESSION_INVALID_OPTION); the built declarations give
 * the promise forms Promise<void> and the callback forms the session.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { session } from './helpers/package';

const root = path.resolve(__dirname, '..');
const ok = { secret: 's', resave: false, saveUninitialized: false };

function outcome(options: Record<string, unknown>): string {
  try {
    session({ ...ok, ...options } as any);
    return 'ok';
  } catch (err) {
    const e = err as Error & { code?: string };
    return `${e.constructor.name} ${e.code}: ${e.message}`;
  }
}

const LIFETIME = 'TypeError ERR_SESSION_INVALID_OPTION: maxLifetime option must be a finite number of milliseconds, 0 (off) or more';
const CLEAR = 'TypeError ERR_SESSION_INVALID_OPTION: clearCookieOnDestroy option must be a boolean';

describe('setup validation of the new options', () => {
  it.each([
    [{ maxLifetime: 3600_000 }, 'ok'],
    [{ maxLifetime: 0 }, 'ok'],
    [{ maxLifetime: undefined }, 'ok'],
    [{ maxLifetime: 2 ** 40 }, 'ok'],
    [{ maxLifetime: -1 }, LIFETIME],
    [{ maxLifetime: Number.NaN }, LIFETIME],
    [{ maxLifetime: Number.POSITIVE_INFINITY }, LIFETIME],
    [{ maxLifetime: '1h' }, LIFETIME],
    [{ maxLifetime: null }, 'ok'],
    [{ clearCookieOnDestroy: true }, 'ok'],
    [{ clearCookieOnDestroy: false }, 'ok'],
    [{ clearCookieOnDestroy: 'yes' }, CLEAR],
    [{ clearCookieOnDestroy: 1 }, CLEAR],
  ])('%o → %s', (options, expected) => {
    expect(outcome(options)).toBe(expected);
  });
});

function typecheck(project: string): string {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(root, `test/fixtures/types/tsconfig.${project}.json`)], { cwd: root, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

// One tsc run for both fixtures (a run takes 15–30 s on a busy machine): the app must compile
// cleanly, the wrong file must fail on exactly its three lines.
describe('type declarations of the additions', () => {
  it('promise forms, regenerate options and the new options compile; misuses fail', { timeout: 180_000 }, () => {
    const out = typecheck('beyond');
    expect(out).not.toContain('beyond-app.ts');
    expect(out).toContain("beyond-wrong.ts(8,22): error TS2339: Property 'touch' does not exist on type 'Promise<void>'.");
    expect(out).toMatch(/beyond-wrong\.ts\(9,\d+\): error TS2769: No overload matches this call/);
    expect(out).toMatch(/beyond-wrong\.ts\(10,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(out.match(/^test\/fixtures\/types\/[\w-]+\.ts\(\d+,\d+\): error/gm)).toHaveLength(3);
  });
});
