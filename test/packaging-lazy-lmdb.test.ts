/**
 * `require('wasm-session')` must not load LmdbStore (its modules, lmdb, its
 * native addon, piscina) for an app that never uses it. Each case runs in a
 * fresh Node process, which reports the modules it loaded: require.cache for
 * JavaScript, /proc/self/maps for native addons (.node files) where the OS
 * has it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

interface Loaded {
  /** require.cache keys, relative to the repo where inside it. */
  modules: string[];
  /** Native addons mapped into the process ([] where /proc is absent). */
  addons: string[];
  result: unknown;
}

/** Runs `body` (CommonJS, with `session` required) in a child process and lists what it loaded. */
function run(body: string): Loaded {
  const script = `
    const fs = require('node:fs');
    const session = require(${JSON.stringify(root)});
    Promise.resolve((async () => { ${body} })()).then((result) => {
      let maps = '';
      try { maps = fs.readFileSync('/proc/self/maps', 'utf8'); } catch {}
      const addons = [...new Set(maps.split('\\n').map((l) => l.split(' ').pop()).filter((f) => f && f.endsWith('.node')))];
      console.log(JSON.stringify({ modules: Object.keys(require.cache), addons, result }));
    });
  `;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  const loaded = JSON.parse(out.trim().split('\n').pop()!) as Loaded;
  loaded.modules = loaded.modules.map((file) => path.relative(root, file));
  return loaded;
}

const ownLmdbModules = (loaded: Loaded): string[] => loaded.modules.filter((file) => /^dist[\\/]stores[\\/]lmdb/.test(file));
const lmdbPackages = (loaded: Loaded): string[] =>
  loaded.modules.filter((file) => /node_modules[\\/](lmdb|@lmdb|piscina|msgpackr|msgpackr-extract|ordered-binary|weak-lru-cache)[\\/]/.test(file));

describe('LmdbStore loads on first use', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('require() and a request through MemoryStore load none of it', () => {
    const loaded = run(`
      const middleware = session({ secret: 's', resave: false, saveUninitialized: true, store: new session.MemoryStore() });
      const { IncomingMessage, ServerResponse } = require('node:http');
      const { Socket } = require('node:net');
      const req = new IncomingMessage(new Socket());
      req.url = '/'; req.headers = {};
      const res = new ServerResponse(req);
      await new Promise((resolve, reject) => middleware(req, res, (err) => (err ? reject(err) : resolve())));
      return typeof req.session.id;
    `);
    expect(loaded.result).toBe('string');
    // The loader did run: the rest of the package is there.
    expect(loaded.modules).toContain(path.join('dist', 'stores', 'memory', 'memory-store.js'));
    expect(ownLmdbModules(loaded)).toEqual([]);
    expect(lmdbPackages(loaded)).toEqual([]);
    expect(loaded.addons).toEqual([]);
  });

  it('session.LmdbStore is listed among the keys and is the same class on every access', () => {
    const loaded = run(`
      const keys = Object.keys(session);
      const before = Object.keys(require.cache).some((f) => f.includes('lmdb'));
      return { keys, before, same: session.LmdbStore === session.LmdbStore, isStore: session.LmdbStore.prototype instanceof session.Store };
    `);
    expect(loaded.result).toEqual({ keys: expect.arrayContaining(['Store', 'MemoryStore', 'LmdbStore', 'Cookie', 'Session']), before: false, same: true, isStore: true });
    // Touching the class loads its modules, not lmdb: that waits for a store to open.
    expect(ownLmdbModules(loaded).length).toBeGreaterThan(0);
    expect(lmdbPackages(loaded)).toEqual([]);
  });

  it('the entry module can be evaluated again over the cached factory (as test runners do)', () => {
    const loaded = run(`
      const entry = require.resolve(${JSON.stringify(root)});
      delete require.cache[entry];
      const again = require(${JSON.stringify(root)});
      return { same: again === session, lmdb: again.LmdbStore === session.LmdbStore && typeof again.LmdbStore === 'function' };
    `);
    expect(loaded.result).toEqual({ same: true, lmdb: true });
  });

  it('constructing an LmdbStore loads lmdb and works', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-lazy-'));
    dirs.push(dir);
    const loaded = run(`
      const store = new session.LmdbStore({ path: ${JSON.stringify(path.join(dir, 'db'))}, sweepInterval: 0 });
      await new Promise((resolve, reject) => store.set('sid', { cookie: { originalMaxAge: null }, n: 7 }, (err) => (err ? reject(err) : resolve())));
      const sess = await new Promise((resolve, reject) => store.get('sid', (err, s) => (err ? reject(err) : resolve(s))));
      await store.close();
      return sess.n;
    `);
    expect(loaded.result).toBe(7);
    expect(lmdbPackages(loaded).some((file) => /node_modules[\\/]lmdb[\\/]/.test(file))).toBe(true);
    // The same probe that found no addon above finds lmdb's here (Linux has /proc/self/maps).
    if (process.platform === 'linux') expect(loaded.addons.some((file) => /lmdb/.test(file))).toBe(true);
  });

  it('the ESM entry exports the same LmdbStore as require()', () => {
    const script = `
      import { LmdbStore } from 'wasm-session';
      import { createRequire } from 'node:module';
      console.log(LmdbStore === createRequire(import.meta.url)('wasm-session').LmdbStore ? 'same' : 'different');
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('same');
  });
});
