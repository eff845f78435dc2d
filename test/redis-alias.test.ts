/**
 * connect-redis with express-session aliased to this package (an npm alias),
 * so RedisStore resolves and extends this package's Store.
 */
import { realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import signature from 'cookie-signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasLayout } from './helpers/alias-layout';
import { appScript, packageRoot, startApp, type AppProcess } from './helpers/redis-app';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

describe.skipIf(skipWithoutRedis)('connect-redis with express-session aliased to this package', () => {
  const redis = redisForSuite();
  let dir: string;
  let script: string;
  const apps: AppProcess[] = [];

  beforeAll(() => {
    dir = aliasLayout([appScript]);
    script = path.join(dir, path.basename(appScript));
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['require', 'import'] as const)('RedisStore extends this package’s Store and sessions work (connect-redis loaded by %s)', async (loader) => {
    const app = await startApp({
      redisUrl: redis.server.url,
      script,
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
    expect(connectRedisFile.startsWith(realpathSync(dir))).toBe(true);

    // The cookie is signed the way express-session signs it, with the app's secret.
    const signed = decodeURIComponent(first.setCookie!.slice('connect.sid='.length)).slice(2);
    expect(signature.unsign(signed, 'shared secret')).toBe(first.body.id);
  });

  it('resolves express-session from the copied connect-redis to this package, not the repo’s express-session', () => {
    // Guards the layout itself: a leak of the real express-session would make the test above meaningless.
    const resolved = createRequire(import.meta.url).resolve('express-session', { paths: [path.join(dir, 'node_modules/connect-redis')] });
    expect(realpathSync(resolved)).toBe(realpathSync(path.join(packageRoot, 'dist/index.js')));
  });
});
