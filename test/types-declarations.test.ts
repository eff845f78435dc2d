/**
 * The shipped type declarations (dist/*.d.ts, as built) used the way apps use
 * express-session's: SessionData augmented by declaration merging,
 * req.session / req.sessionID on Express's Request, `import session from`
 * with esModuleInterop and from ESM, a Store subclass. Wrong types must fail.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(root, 'test/fixtures/types');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

/** Type-checks one fixture project; returns tsc's diagnostics ('' when it compiles). */
function typecheck(project: string): string {
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(fixtures, `tsconfig.${project}.json`)], { cwd: root, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

describe('type declarations', () => {
  it('resolve to the built dist/index.d.ts through the package exports', () => {
    const out = execFileSync(process.execPath, [tsc, '-p', path.join(fixtures, 'tsconfig.app.json'), '--traceResolution'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).toMatch(/Module name 'wasm-session' was successfully resolved to '[^']*\/dist\/index\.d\.ts'/);
  });

  it('an Express app with augmented SessionData, every option and a Store subclass compiles (esModuleInterop)', () => {
    expect(typecheck('app')).toBe('');
  });

  it('an ESM (nodenext) app with the default import and named classes compiles', () => {
    expect(typecheck('esm-app')).toBe('');
  });

  it('assigning the wrong type to augmented session data fails to compile', () => {
    const out = typecheck('wrong-type');
    expect(out).toContain("wrong-type.ts(14,3): error TS2322: Type 'string' is not assignable to type 'number'.");
  });

  it('an invalid option value fails to compile', () => {
    const out = typecheck('wrong-option');
    expect(out).toMatch(/wrong-option\.ts\(4,\d+\): error TS2322/);
  });
});
