/**
 * A stored value that is not a session's JSON, met on the middleware's fast
 * path (our own stores): that request gets next(err) with ERR_SESSION_CORRUPT,
 * the process stays up, and other sessions keep working.
 */
import { createRequire } from 'node:module';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FAST_STORE } from '../src/stores/fast-store';
import { session } from './helpers/package';

const require = createRequire(import.meta.url);
const express = require('express') as () => any;

function buildApp() {
  const store = new session.MemoryStore();
  const errors: any[] = [];
  const app = express();
  app.use(session({ secret: 'corrupt test', resave: false, saveUninitialized: false, store }));
  app.get('/count', (req: any, res: any) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ id: req.sessionID, views: req.session.views });
  });
  app.use((err: any, _req: any, res: any, _next: unknown) => {
    errors.push(err);
    res.status(500).json({ code: err.code });
  });
  return { app, store, errors };
}

describe('corrupt stored session on the fast path', () => {
  for (const [label, garbage] of [
    ['invalid JSON', '{"cookie":{"path":"/"'],
    ['JSON that is not a session', '[1,2,3]'],
  ] as const) {
    it(`${label}: 500 with ERR_SESSION_CORRUPT, other sessions unaffected`, async () => {
      const { app, store, errors } = buildApp();
      const victim = await request(app).get('/count');
      const bystander = await request(app).get('/count');
      const victimCookie = victim.headers['set-cookie'][0].split(';')[0];
      const bystanderCookie = bystander.headers['set-cookie'][0].split(';')[0];

      (store as any)[FAST_STORE].writeJSON(victim.body.id, garbage, NaN);

      const broken = await request(app).get('/count').set('Cookie', victimCookie);
      expect(broken.status).toBe(500);
      expect(broken.body.code).toBe('ERR_SESSION_CORRUPT');
      expect(errors[0].message).not.toContain(victim.body.id);

      const fine = await request(app).get('/count').set('Cookie', bystanderCookie);
      expect(fine.status).toBe(200);
      expect(fine.body).toEqual({ id: bystander.body.id, views: 2 });
    });
  }

  it('MemoryStore.get on the corrupt entry: ERR_SESSION_CORRUPT whose message does not hold the session ID', async () => {
    const { app, store } = buildApp();
    const victim = await request(app).get('/count');
    const sid: string = victim.body.id;
    (store as any)[FAST_STORE].writeJSON(sid, '{"cookie":{"path":"/"', NaN);

    // The ID is a bearer credential: a message that reaches a log must not let a reader replay it.
    const err = await new Promise<any>((resolve) => store.get(sid, (e: unknown) => resolve(e)));
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ERR_SESSION_CORRUPT');
    expect(sid.length).toBeGreaterThan(6);
    expect(err.message).not.toContain(sid);
    expect(err.message).not.toContain(sid.slice(0, 7));
  });
});
