/**
 * Two server processes behind one Redis: the situation of an app that has
 * outgrown one machine. A cookie issued by one must work on the other.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type AppProcess } from './helpers/redis-app';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

describe.skipIf(skipWithoutRedis)('sessions shared by two processes through Redis', () => {
  const redis = redisForSuite();
  const apps: AppProcess[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
  });

  async function twoApps(sessionModules: [string | undefined, string | undefined]): Promise<[AppProcess, AppProcess]> {
    const started = await Promise.all(sessionModules.map((sessionModule) => startApp({ redisUrl: redis.server.url, sessionModule })));
    apps.push(...started);
    return started as [AppProcess, AppProcess];
  }

  it('continues one session counter across both processes with the same cookie', async () => {
    const [a, b] = await twoApps([undefined, undefined]);
    expect(a.pid).not.toBe(b.pid);

    const first = await a.get('/count');
    expect(first.status).toBe(200);
    expect(first.body.count).toBe(1);
    const cookie = first.setCookie!;
    expect(cookie).toMatch(/^connect\.sid=s%3A/);

    const seen: Array<[unknown, unknown]> = [];
    for (const app of [b, a, b, a, b]) {
      const reply = await app.get('/count', cookie);
      expect(reply.status).toBe(200);
      expect(reply.body.id).toBe(first.body.id);
      seen.push([reply.body.pid, reply.body.count]);
    }
    expect(seen).toEqual([
      [b.pid, 2],
      [a.pid, 3],
      [b.pid, 4],
      [a.pid, 5],
      [b.pid, 6],
    ]);
  });

  it('shares sessions with processes still running express-session (a rolling migration)', async () => {
    const [ours, reference] = await twoApps([undefined, 'express-session']);

    const fromReference = await reference.get('/count');
    expect(fromReference.body.count).toBe(1);
    const onOurs = await ours.get('/count', fromReference.setCookie);
    expect(onOurs.status).toBe(200);
    expect(onOurs.body).toMatchObject({ id: fromReference.body.id, count: 2, pid: ours.pid });

    const fromOurs = await ours.get('/count');
    const onReference = await reference.get('/count', fromOurs.setCookie);
    expect(onReference.body).toMatchObject({ id: fromOurs.body.id, count: 2, pid: reference.pid });
  });

  it('gives a cookie with a forged signature a new session on the other process', async () => {
    const [a, b] = await twoApps([undefined, undefined]);
    const first = await a.get('/count');
    const forged = first.setCookie!.replace(/\.[^.]+$/, '.forgedsignature');
    const reply = await b.get('/count', forged);
    expect(reply.body.count).toBe(1);
    expect(reply.body.id).not.toBe(first.body.id);
  });
});
