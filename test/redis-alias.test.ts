import { copyFileSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import signature from 'cookie-signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appScript, packageRoot, startApp, type AppProcess } from './fixtures/redis/app-process';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

const installed = path.join(packageRoot, 'node_modules');

/**
 * An app installed with `"express-session": "npm:wasm-session"` and no real
 * express-session: node_modules/express-session is this package (a symlink
 * to the built repo), connect-redis is a copy (a symlink would resolve its
 * imports from the repo's node_modules, where the real express-session is),
 * express and redis are symlinks. The app is a copy of the fixture placed
 * beside that node_modules.
 */
function aliasLayout(): { dir: string; script: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-alias-'));
  const modules = path.join(dir, 'node_modules');
  mkdirSync(modules);
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ private: true, dependencies: { 'express-session': 'npm:wasm-session', 'connect-redis': '^10.0.0' } }),
  );
  symlinkSync(packageRoot, path.join(modules, 'express-session'), 'dir');
  cpSync(path.join(installed, 'connect-redis'), path.join(modules, 'connect-redis'), { recursive: true });
  for (const name of ['express', 'redis']) symlinkSync(path.join(installed, name), path.join(modules, name), 'dir');
  const script = path.join(dir, 'app.mjs');
  copyFileSync(appScript, script);
  return { dir, script };
}

describe.skipIf(skipWithoutRedis)('connect-redis with express-session aliased to this package', () => {
  const redis = redisForSuite();
  let layout: { dir: string; script: string };
  const apps: AppProcess[] = [];

  beforeAll(() => {
    layout = aliasLayout();
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    if (layout) rmSync(layout.dir, { recursive: true, force: true });
  });

  it.each(['require', 'import'] as const)('RedisStore extends this package’s Store and sessions work (connect-redis loaded by %s)', async (loader) => {
    const app = await startApp({
      redisUrl: redis.server.url,
      script: layout.script,
      sessionModule: 'express-session',
      connectRedisLoader: loader,
    });
    apps.push(app);

    const first = await app.get('/count');
    expect(first.body.count).toBe(1);
    const second = await app.get('/count', first.setCookie);
    expect(second.body).toMatchObject({ count: 2, id: first.body.id });

    const info = await app.get('/info', first.setCookie);
    expect(info.body).toMatchObject({
      sessionModuleFile: realpathSync(path.join(packageRoot, 'dist/index.js')),
      storeIsThisPackagesStore: true,
      // A session loaded from Redis: built by this package's Store.createSession.
      sessionIsThisPackagesSession: true,
    });
    const connectRedisFile = info.body.connectRedisFile as string;
    expect(connectRedisFile.startsWith(realpathSync(layout.dir))).toBe(true);

    // The cookie is signed the way express-session signs it, with the app's secret.
    const signed = decodeURIComponent(first.setCookie!.slice('connect.sid='.length)).slice(2);
    expect(signature.unsign(signed, 'shared secret')).toBe(first.body.id);
  });

  it('resolves express-session from the copied connect-redis to this package, not the repo’s express-session', () => {
    // Guards the layout itself: a leak of the real express-session would make the test above meaningless.
    const resolved = createRequire(import.meta.url).resolve('express-session', { paths: [path.join(layout.dir, 'node_modules/connect-redis')] });
    expect(realpathSync(resolved)).toBe(realpathSync(path.join(packageRoot, 'dist/index.js')));
  });
});
