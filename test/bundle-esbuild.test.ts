/**
 * Bundlers: the demo app bundled by esbuild into one file, run from a folder
 * that holds nothing else, serves sessions (the Wasm kernels travel inside
 * the bundle; no .wasm file is looked up beside it); bundled with lmdb and
 * piscina external, its cluster mode serves sessions from an LmdbStore. And
 * where the package's kernels module is missing from an install, the error
 * is coded and names the file.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/** Starts `file` with PORT=0 and resolves with the URL the demo prints once listening. */
function startBundle(file: string, args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [file, ...args], { cwd: path.dirname(file), env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk));
    child.on('exit', (code) => reject(new Error(`bundle exited with ${code}: ${err}${out}`)));
  });
}

const cookieOf = (res: Response): string => res.headers.get('set-cookie')!.split(';')[0]!;

describe('the demo app bundled by esbuild into one file', () => {
  let tmp: string;
  let bundle: string;
  let running: ChildProcess | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'wasm-session-bundle-'));
    bundle = path.join(tmp, 'demo.js');
    // esbuild's defaults for a Node app: no externals, so everything the demo requires is inside.
    const result = await build({ entryPoints: [path.join(root, 'demo', 'server.js')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'silent' });
    expect(result.errors).toEqual([]);
  }, 60_000);

  afterAll(() => {
    running?.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('is one file, alone in its folder', () => {
    expect(readdirSync(tmp)).toEqual(['demo.js']);
  });

  it('serves sessions over HTTP: a counter, a login that regenerates the ID, a logout', async () => {
    const { child, url } = await startBundle(bundle);
    running = child;
    const first = await fetch(url + 'api');
    expect(await first.json()).toMatchObject({ views: 1, user: null, storeName: 'MemoryStore' });
    const cookie = cookieOf(first);
    const second = await fetch(url + 'api', { headers: { cookie } });
    expect(await second.json()).toMatchObject({ views: 2, user: null });

    const login = await fetch(url + 'login', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=ann',
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const loggedIn = cookieOf(login);
    expect(loggedIn).not.toBe(cookie);
    expect(await (await fetch(url + 'api', { headers: { cookie: loggedIn } })).json()).toMatchObject({ views: 3, user: 'ann' });
    // The ID seen before login no longer names a session.
    expect(await (await fetch(url + 'api', { headers: { cookie } })).json()).toMatchObject({ views: 1, user: null });

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    running = undefined;
  }, 30_000);
});

describe('the demo bundled with lmdb and piscina external, as an LmdbStore app bundles (lmdb is a native addon)', () => {
  let tmp: string;
  let running: ChildProcess | undefined;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'wasm-session-bundle-lmdb-'));
    // The app's own node_modules provides the two externals at run time.
    symlinkSync(path.join(root, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  });

  afterAll(() => {
    running?.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('serves one session from a cluster worker on an LmdbStore', async () => {
    const bundle = path.join(tmp, 'demo.js');
    const result = await build({
      entryPoints: [path.join(root, 'demo', 'server.js')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      external: ['lmdb', 'piscina'],
      outfile: bundle,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const { child, url } = await startBundle(bundle, ['--workers', '1', '--store', path.join(tmp, 'sessions')]);
    running = child;
    const first = await fetch(url + 'api');
    expect(await first.json()).toMatchObject({ views: 1, storeName: 'LmdbStore' });
    expect(await (await fetch(url + 'api', { headers: { cookie: cookieOf(first) } })).json()).toMatchObject({ views: 2 });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    running = undefined;
  }, 60_000);
});

describe('an install whose kernels module is missing', () => {
  it('fails to load with ERR_SESSION_WASM_MISSING naming the file, without pointing at build scripts', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'wasm-session-no-wasm-'));
    try {
      const pkg = path.join(tmp, 'wasm-session');
      // The package as installed, less build/ (a deployment that copied dist/ only).
      cpSync(path.join(root, 'dist'), path.join(pkg, 'dist'), { recursive: true });
      cpSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
      symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
      writeFileSync(path.join(tmp, 'probe.js'), `try { require('./wasm-session'); console.log('loaded'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`);
      const out = JSON.parse(execFileSync(process.execPath, ['probe.js'], { cwd: tmp, encoding: 'utf8' }).trim());
      expect(out.code).toBe('ERR_SESSION_WASM_MISSING');
      expect(out.message).toBe(
        `wasm-session cannot load its WebAssembly kernels from ${path.join(pkg, 'build', 'embedded-wasm.js')}: the installed package is incomplete (reinstall wasm-session), or a deployment copied dist/ without build/`,
      );
      expect(out.message).not.toMatch(/npm run/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
