/**
 * The shipped type declarations (dist/*.d.ts, as built) used the way apps use
 * express-session's: SessionData augmented by declaration merging,
 * req.session / req.sessionID on Express's Request, `import session from`
 * with esModuleInterop and from ESM, a Store subclass. Wrong types must fail.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ts from 'typescript';
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

/**
 * Beside @types/express-session (a migrating app usually still has it) and
 * without it, with and without skipLibCheck, under each module resolution an
 * app may use. Each combination is one program of app.ts (imports
 * 'wasm-session') and alias-app.ts (imports 'express-session', mapped to the
 * built declarations as npm's alias resolves it). `types` stands in for
 * "installed": listing express-session there loads @types/express-session,
 * and its global Express.Request augmentation, as automatic inclusion would.
 *
 * The programs are built in this process with one cache of parsed files
 * (lib, @types/node, Express's types): twelve tsc processes parsing them
 * afresh cost minutes of CPU on a shared machine.
 */
describe('type declarations beside @types/express-session', () => {
  const resolutions = [
    { moduleResolution: 'node16', module: 'node16' },
    { moduleResolution: 'nodenext', module: 'nodenext' },
    { moduleResolution: 'bundler', module: 'esnext' },
  ] as const;
  const combinations = resolutions.flatMap((resolution) =>
    [false, true].flatMap((skipLibCheck) => [true, false].map((referenceTypes) => ({ ...resolution, skipLibCheck, referenceTypes }))),
  );
  type Combination = (typeof combinations)[number];
  const name = (c: Combination): string =>
    `${c.moduleResolution}, skipLibCheck ${c.skipLibCheck}, ${c.referenceTypes ? 'with' : 'without'} @types/express-session`;

  it.each(combinations.map((c) => [name(c), c] as const))('compiles clean: %s', (_label, c) => {
    const { diagnostics, files } = compile(c, ['app.ts', 'alias-app.ts']);
    expect(diagnostics).toBe('');
    // Our declarations must not pull lmdb's or piscina's typings into the app.
    expect(files.filter((file) => /[\\/]node_modules[\\/](lmdb|piscina)[\\/]/.test(file))).toEqual([]);
    // And @types/express-session is in the program exactly when the combination says so.
    expect(files.some((file) => /[\\/]@types[\\/]express-session[\\/]/.test(file))).toBe(c.referenceTypes);
  }, 120_000);

  it('with @types/express-session loaded, a wrong type for augmented session data still fails', () => {
    const { diagnostics, files } = compile(combinations[0]!, ['alias-wrong-type.ts']);
    expect(files.some((file) => /[\\/]@types[\\/]express-session[\\/]/.test(file))).toBe(true);
    expect(diagnostics).toMatch(/alias-wrong-type\.ts\(15,3\): error TS2322: Type 'string' is not assignable to type 'number'\./);
  }, 120_000);
});

/** Parsed files shared by the programs: same file, language version and module format give the same tree. */
const parsed = new Map<string, ts.SourceFile>();

/** Type-checks `fixtureFiles` under the combination's options; diagnostics formatted as tsc prints them. */
function compile(
  c: { module: string; moduleResolution: string; skipLibCheck: boolean; referenceTypes: boolean },
  fixtureFiles: string[],
): { diagnostics: string; files: string[] } {
  const json = {
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    target: 'ES2022',
    module: c.module,
    moduleResolution: c.moduleResolution,
    skipLibCheck: c.skipLibCheck,
    types: c.referenceTypes ? ['node', 'express-session'] : ['node'],
    typeRoots: [path.join(root, 'node_modules/@types')],
    paths: { 'express-session': [path.join(root, 'dist/index.d.ts')] },
  };
  const { options, errors } = ts.convertCompilerOptionsFromJson(json, root);
  expect(errors).toEqual([]);
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersionOrOptions, onError, shouldCreate) => {
    const settings = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions : { languageVersion: languageVersionOrOptions };
    const key = `${fileName}|${settings.languageVersion}|${settings.impliedNodeFormat}`;
    let file = parsed.get(key);
    if (file === undefined) {
      file = read(fileName, languageVersionOrOptions, onError, shouldCreate);
      if (file !== undefined) parsed.set(key, file);
    }
    return file;
  };
  const program = ts.createProgram({ rootNames: fixtureFiles.map((file) => path.join(fixtures, file)), options, host });
  const diagnostics = ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), {
    getCanonicalFileName: (file) => file,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  });
  return { diagnostics, files: program.getSourceFiles().map((file) => file.fileName) };
}
