/**
 * connect-redis's own declarations import `Store` from 'express-session'.
 * No Redis server needed: this is about what a TypeScript user can compile.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aliasLayout } from './helpers/alias-layout';
import { packageRoot } from './helpers/redis-app';

const tsc = path.join(packageRoot, 'node_modules/typescript/bin/tsc');
const typesDir = path.join(__dirname, 'fixtures/redis/types');
// A cold tsc run takes seconds, more on a busy machine.
const TSC_TIMEOUT = 90_000;

/** Type-checks one file as a user's project would (strict, Node's module rules, skipLibCheck as `tsc --init` sets it). */
function typecheck(cwd: string, file: string): { status: number | null; output: string } {
  const args = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', file];
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd, encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('TypeScript: connect-redis as the store', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('compiles with express-session aliased to this package', () => {
    const dir = aliasLayout([path.join(typesDir, 'alias-app.ts')]);
    dirs.push(dir);
    const { status, output } = typecheck(dir, 'alias-app.ts');
    expect(output).toBe('');
    expect(status).toBe(0);
  }, TSC_TIMEOUT);

  // With @types/express-session beside, RedisStore's methods are typed with
  // express-session's SessionData; the `store` option accepts any store by shape.
  it('compiles with express-session and @types/express-session installed beside', () => {
    const { status, output } = typecheck(packageRoot, path.relative(packageRoot, path.join(typesDir, 'beside-app.ts')));
    expect(output).toBe('');
    expect(status).toBe(0);
  }, TSC_TIMEOUT);
});
