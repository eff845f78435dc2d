/**
 * A stored value that is not a session's JSON, met by MemoryStore on the
 * middleware's fast path or through its own get: the entry is removed,
 * counted in stats().corrupt and announced by a 'corrupt' event, and the
 * request starts a fresh session as for an unknown ID. The process stays up
 * and other sessions keep working.
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

describe('corrupt stored session in MemoryStore', () => {
  for (const [label, garbage] of [
    ['invalid JSON', '{"cookie":{"path":"/"'],
    ['JSON that is not a session', '[1,2,3]'],
    ['cookie: null', '{"cookie":null,"views":3}'],
    ["cookie.originalMaxAge 'abc'", '{"cookie":{"originalMaxAge":"abc","path":"/"},"views":3}'],
    ['100,000-deep JSON', '{"cookie":{"path":"/"},"deep":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'],
  ] as const) {
    it(`${label}: a fresh session, the entry removed and counted, other sessions unaffected`, async () => {
      const { app, store, errors } = buildApp();
      const events: any[] = [];
      store.on('corrupt', (e: unknown) => events.push(e));
      const victim = await request(app).get('/count');
      const bystander = await request(app).get('/count');
      const victimCookie = victim.headers['set-cookie'][0].split(';')[0];
      const bystanderCookie = bystander.headers['set-cookie'][0].split(';')[0];

      // Straight into the engine: the store's own writes refuse text it could not serve.
      (store as any).engine.write(victim.body.id, garbage, Infinity);

      const fresh = await request(app).get('/count').set('Cookie', victimCookie);
      expect(fresh.status).toBe(200);
      expect(fresh.body.views).toBe(1);
      expect(fresh.body.id).not.toBe(victim.body.id);
      expect(fresh.headers['set-cookie']).toHaveLength(1);
      expect(errors).toEqual([]);
      expect((store as any)[FAST_STORE].readJSON(victim.body.id)).toBeUndefined();
      expect(store.stats().corrupt).toBe(1);
      expect(events).toHaveLength(1);
      expect(events[0].sid).toBe(victim.body.id.slice(0, 6) + '…');
      expect(events[0].error.code).toBe('ERR_SESSION_CORRUPT');
      expect(events[0].error.message).not.toContain(victim.body.id);

      const fine = await request(app).get('/count').set('Cookie', bystanderCookie);
      expect(fine.status).toBe(200);
      expect(fine.body).toEqual({ id: bystander.body.id, views: 2 });
    });
  }

  it('MemoryStore.get on the corrupt entry: not found, removed, announced without the whole ID', async () => {
    const { app, store } = buildApp();
    const victim = await request(app).get('/count');
    const sid: string = victim.body.id;
    (store as any).engine.write(sid, '{"cookie":{"path":"/"', Infinity);
    const announced = new Promise<any>((resolve) => store.once('corrupt', resolve));

    const [err, sess] = await new Promise<any[]>((resolve) => store.get(sid, (e: unknown, s: unknown) => resolve([e, s])));
    expect(err).toBeNull();
    expect(sess).toBeUndefined();
    const event = await announced;
    // The ID is a bearer credential: a message that reaches a log must not let a reader replay it.
    expect(event.error).toBeInstanceOf(Error);
    expect(event.error.code).toBe('ERR_SESSION_CORRUPT');
    expect(sid.length).toBeGreaterThan(6);
    expect(event.error.message).not.toContain(sid);
    expect(event.error.message).not.toContain(sid.slice(0, 7));
    expect(event.sid).not.toContain(sid.slice(0, 7));
    expect(store.stats().corrupt).toBe(1);
    expect(store.stats().entries).toBe(0);
  });

  it('all() leaves a corrupt entry out and answers the others', async () => {
    const store = new session.MemoryStore();
    (store as any)[FAST_STORE].writeJSON('good', '{"cookie":{},"a":1}', NaN);
    (store as any).engine.write('bad', '{"cookie":', Infinity);
    const all = await new Promise<any>((resolve, reject) => store.all((e: unknown, s: unknown) => (e ? reject(e) : resolve(s))));
    expect(Object.keys(all)).toEqual(['good']);
    store.close();
  });
});
