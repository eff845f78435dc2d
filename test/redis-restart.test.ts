/**
 * Redis goes away under a running app and comes back on the same port. The
 * app runs as a child process so that a crash would show as an exit, not as a
 * failure of the test runner.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, waitUntil, type AppProcess, type Reply } from './helpers/redis-app';
import { redisForSuite, skipWithoutRedis, type RedisServer } from './helpers/redis-server';

describe.skipIf(skipWithoutRedis)('Redis restarted under a running app', () => {
  const suite = redisForSuite();
  let redis: RedisServer;
  let apps: AppProcess[] = [];
  beforeAll(() => {
    redis = suite.server;
  });

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    apps = [];
    await redis.start();
  });

  async function launch(options: { sessionModule?: string; offlineQueue?: boolean }): Promise<AppProcess> {
    const app = await startApp({ redisUrl: redis.url, cookieMaxAge: 60_000, ...options });
    apps.push(app);
    return app;
  }

  /** What a user sees through one outage when the client fails fast (offline queue disabled). */
  async function outage(sessionModule?: string) {
    const app = await launch({ sessionModule, offlineQueue: false });
    const before = await app.get('/count');
    const cookie = before.setCookie!;

    await redis.stop();
    const withCookie = await app.get('/count', cookie);
    // Without a cookie nothing is read; the failure comes at the end-of-response save.
    const withoutCookie = await app.get('/count').catch((err: Error) => ({ fetchError: err.message }));
    const aliveDuringOutage = !app.exited;

    await redis.start();
    let recovered: Reply | undefined;
    await waitUntil(async () => {
      recovered = await app.get('/count', cookie);
      return recovered.status === 200;
    });
    return { app, before, withCookie, withoutCookie, aliveDuringOutage, recovered: recovered! };
  }

  it('answers 500 through next(err) while Redis is down, stays up, and recovers on the same port', async () => {
    const { app, before, withCookie, withoutCookie, aliveDuringOutage, recovered } = await outage();
    expect(before.body.count).toBe(1);
    expect(withCookie.status).toBe(500);
    expect(withCookie.body.error).toMatch(/offline|closed/i);
    expect(withoutCookie).toMatchObject({ status: 200, body: { count: 1 } });
    expect(aliveDuringOutage).toBe(true);

    // Redis ran without persistence: the old session is gone and a new one starts.
    expect(recovered.body.count).toBe(1);
    expect(recovered.body.id).not.toBe(before.body.id);
    expect(recovered.setCookie).toMatch(/^connect\.sid=/);
    const next = await app.get('/count', recovered.setCookie);
    expect(next.body).toMatchObject({ count: 2, id: recovered.body.id });
    expect(app.exited).toBe(false);
  });

  it('behaves as express-session does through the same outage', async () => {
    const summary = (o: Awaited<ReturnType<typeof outage>>) => ({
      withCookie: o.withCookie.status,
      withoutCookie: 'status' in o.withoutCookie ? o.withoutCookie.status : 'connection error',
      alive: o.aliveDuringOutage && !o.app.exited,
      recoveredCount: o.recovered.body.count,
    });
    const ours = summary(await outage());
    const theirs = summary(await outage('express-session'));
    expect(ours).toEqual(theirs);
  });

  it('with the client’s default offline queue, a request made during the outage completes once Redis is back', async () => {
    const app = await launch({});
    const before = await app.get('/count');

    // A snapshot on the way down, so the restarted Redis still has the session.
    await redis.stop({ save: true });
    // Until the client notices the closed socket, a command fails instead of queueing.
    // /info without a cookie touches no store, so it answers during the outage.
    await waitUntil(async () => (await app.get('/info')).body.clientReady === false);
    const pending = app.get('/count', before.setCookie);
    const settledEarly = await Promise.race([
      pending.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 300)),
    ]);
    expect(settledEarly).toBe(false);

    await redis.start();
    const held = await pending;
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ count: 2, id: before.body.id });
    expect(app.exited).toBe(false);
  });
});
