/**
 * A light install: the stores' packages (lmdb and piscina for LmdbStore,
 * redis for RedisStore) are optional peer dependencies, so an app that uses
 * only MemoryStore gets none of them (lmdb brings native binaries), and
 * the package runs no install script. The package is packed as built (npm
 * test builds first), installed from the npm registry into a scratch app in a
 * temporary folder, and that app serves sessions over HTTP.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');

/** The environment without npm_config_* (set under `npm test`), so no inherited flag changes what npm installs. */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

function registryReachable(): boolean {
  try {
    execFileSync('npm', ['ping', '--loglevel=error'], { stdio: 'ignore', timeout: 20_000, env: npmEnv });
    return true;
  } catch {
    return false;
  }
}

const skip = !registryReachable();
if (skip) console.warn('[light install] SKIPPED: the npm registry is not reachable, so the scratch app cannot install.');

const APP = `
const http = require('node:http');
const session = require('wasm-session');
const middleware = session({ secret: 'scratch secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() });
const server = http.createServer((req, res) => {
  middleware(req, res, (err) => {
    if (err) { res.statusCode = 500; res.end(err.message); return; }
    req.session.views = (req.session.views || 0) + 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ views: req.session.views }));
  });
});
server.listen(0, '127.0.0.1', async () => {
  const url = 'http://127.0.0.1:' + server.address().port + '/';
  const first = await fetch(url);
  const cookie = first.headers.get('set-cookie').split(';')[0];
  const second = await fetch(url, { headers: { cookie } });
  let lmdb;
  try { new session.LmdbStore({ path: 'never-created' }); lmdb = 'opened'; }
  catch (err) { lmdb = { code: err.code, message: err.message }; }
  console.log(JSON.stringify({ first: await first.json(), second: await second.json(), cookie: cookie.split('=')[0], lmdb }));
  server.close();
});
`;

describe.skipIf(skip)('an app that uses only MemoryStore', () => {
  let tmp: string;
  let app: string;

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), 'wasm-session-light-'));
    // --ignore-scripts: the tree is already built, and rebuilding dist/ would pull it from under the other test files.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp, '--loglevel=error'], { cwd: root, stdio: 'pipe', env: npmEnv });
    const tarball = readdirSync(tmp).find((name) => name.endsWith('.tgz'));
    expect(tarball, 'npm pack wrote no tarball').toBeDefined();
    app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', version: '1.0.0', private: true }));
    writeFileSync(path.join(app, 'app.js'), APP);
    execFileSync('npm', ['install', path.join(tmp, tarball!), '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      stdio: 'pipe',
      env: npmEnv,
      timeout: 240_000,
    });
  }, 300_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('installs neither lmdb nor piscina, nor anything of theirs, nor any other store’s peer', () => {
    const modules = path.join(app, 'node_modules');
    expect(existsSync(path.join(modules, 'wasm-session'))).toBe(true);
    const installed = execFileSync('npm', ['ls', '--all', '--parseable'], { cwd: app, encoding: 'utf8', env: npmEnv })
      .split('\n')
      .filter(Boolean)
      .map((dir) => path.relative(modules, dir));
    expect(installed.filter((name) => /^(@lmdb|lmdb|piscina|msgpackr|msgpackr-extract|ordered-binary|weak-lru-cache|@redis|redis)\b/.test(name))).toEqual([]);
    for (const name of ['lmdb', 'piscina', '@lmdb', 'redis', '@redis']) expect(existsSync(path.join(modules, name)), name).toBe(false);
  });

  it('declares lmdb, piscina and redis as optional peers and has no install-time script', () => {
    const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules', 'wasm-session', 'package.json'), 'utf8'));
    expect(manifest.dependencies).not.toHaveProperty('lmdb');
    expect(manifest.dependencies).not.toHaveProperty('piscina');
    expect(manifest.dependencies).not.toHaveProperty('redis');
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['lmdb', 'piscina', 'redis']);
    expect(manifest.peerDependenciesMeta).toEqual({ lmdb: { optional: true }, piscina: { optional: true }, redis: { optional: true } });
    // npm lists these as install scripts of a dependency (prepare counts for git installs).
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts ?? {}).not.toHaveProperty(script);
  });

  it('serves a session over HTTP, and LmdbStore says which packages to install', () => {
    const out = execFileSync(process.execPath, ['app.js'], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({
      first: { views: 1 },
      second: { views: 2 },
      cookie: 'connect.sid',
      lmdb: {
        code: 'ERR_SESSION_STORE_DEPENDENCY',
        message: 'LmdbStore needs lmdb and piscina, which are not installed: run "npm install lmdb piscina" (MemoryStore needs neither)',
      },
    });
    expect(existsSync(path.join(app, 'never-created'))).toBe(false);
  });
});

describe('LmdbStore with one peer dependency missing', () => {
  it.each(['lmdb', 'piscina'])('without %s: ERR_SESSION_STORE_DEPENDENCY naming it', (hidden) => {
    // The repo has both installed: hide one from the resolver, as an install without it would.
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === ${JSON.stringify(hidden)}) throw Object.assign(new Error('Cannot find module ' + request), { code: 'MODULE_NOT_FOUND' });
        return resolve.call(this, request, ...rest);
      };
      const session = require(${JSON.stringify(root)});
      try { new session.LmdbStore({ path: 'never-created' }); console.log('opened'); }
      catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }
    `;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: tmpdir(), encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({
      code: 'ERR_SESSION_STORE_DEPENDENCY',
      message: `LmdbStore needs ${hidden}, which is not installed: run "npm install lmdb piscina" (MemoryStore needs neither)`,
    });
  });
});
