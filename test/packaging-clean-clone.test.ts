/**
 * What `npm pack` ships from a clean clone: no dist/, esm/ build or Wasm is
 * committed, so the pack must build them itself (the `prepack` script; not
 * `prepare`, which npm would list among an installing app's install scripts). The
 * clone is of the committed HEAD: uncommitted changes are not in it. The
 * tarball's own listing (tar -t) is the truth here, not npm's JSON, whose
 * stdout also carries the build's output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const require = createRequire(import.meta.url);

function inGitCheckout(): boolean {
  try {
    execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = !inGitCheckout();
if (skip) console.warn('[packaging] SKIPPED: not a git checkout, so there is no clean clone to pack.');

/** Relative link targets in a markdown file (no URLs, no in-page anchors), resolved against the file's folder. */
function relativeLinks(file: string, text: string): string[] {
  const targets: string[] = [];
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = match[1]!.split('#')[0]!;
    if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    targets.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), target)));
  }
  return targets;
}

describe.skipIf(skip)('npm pack of a clean clone', () => {
  let tmp: string;
  let files: Set<string>;
  let unpacked: string;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'wasm-session-pack-'));
    const clone = path.join(tmp, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', root, clone], { stdio: 'pipe' });
    // The clone gets the repo's installed dependencies; the build needs only devDependencies.
    symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    expect(existsSync(path.join(clone, 'dist')), 'dist/ must not be committed').toBe(false);

    execFileSync('npm', ['pack', '--pack-destination', tmp, '--no-audit', '--no-fund'], { cwd: clone, stdio: 'pipe' });
    const tarball = readdirSync(tmp).find((name) => name.endsWith('.tgz'));
    expect(tarball, 'npm pack wrote no tarball').toBeDefined();
    const listing = execFileSync('tar', ['-tzf', path.join(tmp, tarball!)], { encoding: 'utf8' });
    files = new Set(
      listing
        .split('\n')
        .filter((line) => line.startsWith('package/') && !line.endsWith('/'))
        .map((line) => line.slice('package/'.length)),
    );
    unpacked = path.join(tmp, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', path.join(tmp, tarball!), '-C', unpacked, '--strip-components=1']);
  }, 300_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('ships the compiled JS with a .d.ts beside every module, for each src/ module', () => {
    const srcModules = execFileSync('git', ['ls-files', 'src'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => file.slice('src/'.length, -'.ts'.length));
    expect(srcModules.length).toBeGreaterThan(10);
    const missing = srcModules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`]).filter((file) => !files.has(file));
    expect(missing).toEqual([]);
  });

  it('ships the ESM entry and every AssemblyScript entry embedded in build/embedded-wasm.js, no loose .wasm', () => {
    expect(files.has('esm/index.mjs')).toBe(true);
    const entries = readdirSync(path.join(root, 'assembly')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(files.has('build/embedded-wasm.js')).toBe(true);
    const kernels = require(path.join(unpacked, 'build', 'embedded-wasm.js')) as Record<string, string>;
    expect(Object.keys(kernels).sort()).toEqual(entries.map((entry) => entry.slice(0, -3)).sort());
    for (const base64 of Object.values(kernels)) expect(WebAssembly.validate(Buffer.from(base64, 'base64'))).toBe(true);
    expect([...files].filter((file) => file.endsWith('.wasm'))).toEqual([]);
  });

  it('ships package.json, README and LICENSE, and every file package.json points at', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE']) expect(files.has(file), file).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(unpacked, 'package.json'), 'utf8')) as {
      main: string;
      types: string;
      exports: Record<string, Record<string, string> | string>;
    };
    const targets = [manifest.main, manifest.types];
    for (const entry of Object.values(manifest.exports)) targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
    const missing = targets.map((target) => path.posix.normalize(target)).filter((file) => !files.has(file));
    expect(missing).toEqual([]);
  });

  it('ships every file the README links to, and every file those docs link to', () => {
    const seen = new Set<string>();
    const queue = ['README.md'];
    while (queue.length > 0) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      if (file.endsWith('.md') && files.has(file)) queue.push(...relativeLinks(file, readFileSync(path.join(unpacked, file), 'utf8')));
    }
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].filter((file) => !files.has(file))).toEqual([]);
  });

  it('ships nothing from the sources, tests or benchmarks', () => {
    const stray = [...files].filter((file) => /^(src|test|assembly|scripts|demo|\.ci)\//.test(file) || /^bench\/(?!results\/latest\.)/.test(file));
    expect(stray).toEqual([]);
  });

  it('loads from the unpacked tarball: the factory carries its classes and the Wasm kernels run', () => {
    // Dependencies from the repo: the tarball's own files are what is under test.
    symlinkSync(path.join(root, 'node_modules'), path.join(unpacked, 'node_modules'), 'dir');
    const script = `
      const session = require(${JSON.stringify(unpacked)});
      const store = new session.MemoryStore();
      store.set('a', { cookie: { originalMaxAge: null }, n: 1 }, (err) => {
        if (err) throw err;
        store.get('a', (err2, sess) => { if (err2) throw err2; console.log(JSON.stringify({ n: sess.n, factory: typeof session })); });
      });
    `;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ n: 1, factory: 'function' });
  });
});
