/**
 * Stores written for express-session, plugged into this package unchanged:
 * memorystore built from this module (`require('memorystore')(session)`),
 * a store subclassing express-session's own Store (as connect-redis >= 7
 * does), and a store in the legacy `Store.call(this)` + `util.inherits` form.
 * Each runs side by side with the same store class under express-session.
 */
import { createRequire } from 'node:module';
import util from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, createRecordingStore, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';
import { reference, session } from './helpers/package';

const require = createRequire(import.meta.url);
const memorystore = require('memorystore') as (pkg: unknown) => new (options?: object) => any;

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };
const STEPS: Step[] = [
  { path: '/modify' },
  { path: '/modify' },
  { path: '/none' },
  { path: '/reload' },
  { path: '/regenerate-modify' },
  { path: '/modify-save' },
  { path: '/touch' },
  { path: '/destroy' },
  { path: '/modify' },
];
const OPTION_SETS = [
  base,
  { ...base, rolling: true, cookie: { maxAge: 3600_000 } },
  { ...base, resave: true, saveUninitialized: true, unset: 'destroy' },
];

const openStores: any[] = [];
afterAll(() => {
  for (const store of openStores) store.stopInterval?.();
});

describe.each(EXPRESS_VERSIONS)('third-party stores under %s', (_name, express) => {
  it('memorystore, given this module as express-session', async () => {
    for (const options of OPTION_SETS) {
      const build = (pkg: any) => {
        const MemoryStore = memorystore(pkg);
        const store = new MemoryStore({ checkPeriod: 3600_000 });
        openStores.push(store);
        expect(store).toBeInstanceOf(pkg.Store);
        return buildApp({ pkg, express, sessionOptions: { ...options, store } });
      };
      const { reference: ref, session: ours } = await runBoth(build, STEPS);
      assertSameTranscript(ref, ours, JSON.stringify(options), STEPS);
    }
  });

  it('a store subclassing express-session’s own Store: same calls, and regenerate works', async () => {
    for (const options of OPTION_SETS) {
      // Both runs use the very same foreign class.
      const build = (pkg: any) => buildApp({ pkg, express, sessionOptions: { ...options, store: createRecordingStore(reference) } });
      const { reference: ref, session: ours } = await runBoth(build, STEPS);
      assertSameTranscript(ref, ours, JSON.stringify(options), STEPS);
      expect(ours[4]!.body).toMatchObject({ action: 'regenerate-modify', err: null });
    }
  });

  it('a legacy store: Store.call(this) + util.inherits(X, Store)', async () => {
    const build = (pkg: any) => {
      function LegacyStore(this: any) {
        pkg.Store.call(this);
        this.sessions = Object.create(null);
      }
      util.inherits(LegacyStore as any, pkg.Store);
      LegacyStore.prototype.get = function (sid: string, cb: any) {
        const json = this.sessions[sid];
        setImmediate(cb, null, json ? JSON.parse(json) : null);
      };
      LegacyStore.prototype.set = function (sid: string, sess: any, cb: any) {
        this.sessions[sid] = JSON.stringify(sess);
        setImmediate(cb);
      };
      LegacyStore.prototype.destroy = function (sid: string, cb: any) {
        delete this.sessions[sid];
        setImmediate(cb);
      };
      LegacyStore.prototype.all = function (cb: any) {
        const out: Record<string, unknown> = {};
        for (const sid of Object.keys(this.sessions)) out[sid] = JSON.parse(this.sessions[sid]);
        setImmediate(cb, null, out);
      };
      const store = new (LegacyStore as any)();
      expect(store).toBeInstanceOf(pkg.Store);
      expect(typeof store.on).toBe('function');
      return buildApp({ pkg, express, sessionOptions: { ...base, store } });
    };
    const { reference: ref, session: ours } = await runBoth(build, STEPS);
    assertSameTranscript(ref, ours, 'legacy', STEPS);
  });
});

describe('objects this package builds for foreign stores', () => {
  it('req.session and its cookie are this package’s classes, also after reload and regenerate', async () => {
    const express = EXPRESS_VERSIONS[0][1];
    const store = createRecordingStore(reference);
    const app = express();
    const seen: string[] = [];
    app.use(session({ ...base, store }));
    const report = (req: any) =>
      `${req.session instanceof session.Session}/${req.session.cookie instanceof session.Cookie}/${req.session instanceof reference.Session}`;
    app.get('/a', (req: any, res: any) => {
      req.session.n = 1;
      seen.push(report(req));
      res.end('ok');
    });
    app.get('/b', (req: any, res: any) => {
      seen.push(report(req));
      req.session.reload(() => {
        seen.push(report(req));
        req.session.regenerate((err: unknown) => {
          seen.push(String(err ?? '') + report(req));
          res.end('ok');
        });
      });
    });
    const { listen, httpRequest } = await import('./helpers/differential');
    const server = await listen(app);
    try {
      const first = await httpRequest(server.port, '/a');
      const cookie = String(first.headers['set-cookie']![0]).split(';')[0]!;
      await httpRequest(server.port, '/b', { cookie });
    } finally {
      await server.close();
    }
    expect(seen).toEqual(['true/true/false', 'true/true/false', 'true/true/false', 'true/true/false']);
  });
});
