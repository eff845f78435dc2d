/**
 * The README's migration route done for real: this package packed, then a
 * plain `npm install` of the tarball as `express-session` beside connect-redis
 * (which declares a peer dependency on express-session >=1), then one app
 * serving sessions through Redis. Unlike redis-alias.test.ts, whose
 * node_modules is built from symlinks, npm itself resolves the peer here, so a
 * version outside connect-redis's range fails this test with ERESOLVE.
 *
 * The tarball packs the already built dist/ (`npm test` builds first; a pack
 * from scratch is packaging-clean-clone.test.ts). Dependencies come from the
 * npm cache when it has them (--prefer-offline), at the versions the repo's
 * lock file installed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appScript, packageRoot, startApp, type AppProcess } from './helpers/redis-app';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const run = promisify(execFile);

/** The environment without npm_config_* (set when run under `npm test`), so no inherited flag such as legacy-peer-deps softens the install. */
function plainNpmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

describe.skipIf(skipWithoutRedis)('npm install express-session@<this package’s tarball> beside connect-redis', () => {
  const redis = redisForSuite();
  const ownManifest = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  let tmp: string;
  let app: string;
  let install: { stdout: string; stderr: string };
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'wasm-session-install-'));
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: packageRoot, env: plainNpmEnv() });
    const tarball = readdirSync(tmp).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack wrote no tarball');

    app = path.join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({
        name: 'migrating-app',
        private: true,
        dependencies: {
          'express-session': `file:../${tarball}`,
          'connect-redis': installedVersion('connect-redis'),
          redis: installedVersion('redis'),
          express: installedVersion('express'),
        },
      }),
    );
    install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, env: plainNpmEnv() });
    copyFileSync(appScript, path.join(app, path.basename(appScript)));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('installs without peer or engine warnings, and npm ls finds the tree valid', async () => {
    expect(install.stderr).not.toMatch(/ERESOLVE|EBADENGINE|peer dep/i);
    const installed = JSON.parse(readFileSync(path.join(app, 'node_modules/express-session/package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    expect(installed).toMatchObject({ name: ownManifest.name, version: ownManifest.version });
    // npm ls exits non-zero on an invalid or missing peer; --all includes connect-redis's peers.
    const ls = await run('npm', ['ls', '--all', '--json'], { cwd: app, env: plainNpmEnv() });
    const tree = JSON.parse(ls.stdout) as { problems?: string[]; dependencies: Record<string, { version: string }> };
    expect(tree.problems ?? []).toEqual([]);
    expect(tree.dependencies['express-session']!.version).toBe(ownManifest.version);
  });

  it.each(['require', 'import'] as const)('connect-redis (loaded by %s) stores this package’s sessions in Redis', async (loader) => {
    const server = await startApp({
      redisUrl: redis.server.url,
      script: path.join(app, path.basename(appScript)),
      sessionModule: 'express-session',
      connectRedisLoader: loader,
    });
    apps.push(server);

    const first = await server.get('/count');
    expect(first.status).toBe(200);
    const second = await server.get('/count', first.setCookie);
    expect(second.body).toMatchObject({ count: 2, id: first.body.id });

    const info = await server.get('/info', first.setCookie);
    expect(info.body).toMatchObject({
      sessionModuleFile: realpathSync(path.join(app, 'node_modules/express-session/dist/index.js')),
      connectRedisFile: expect.stringContaining(realpathSync(path.join(app, 'node_modules/connect-redis'))),
      storeIsThisPackagesStore: true,
      sessionIsThisPackagesSession: true,
    });

    // The session is in Redis under connect-redis's default prefix.
    const stored = JSON.parse((await redis.client.get(`sess:${String(first.body.id)}`))!) as { count: number };
    expect(stored.count).toBe(2);
  });
});
