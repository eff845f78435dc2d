/**
 * Store failures and store state, side by side with express-session: a get
 * error goes to next(err) unless its code is ENOENT (not found); set,
 * destroy and touch errors reach next(err) after the response; a store
 * without touch; a store that emitted 'disconnect' gives no session until
 * 'connect'; an existing req.session passes through untouched.
 */
import { describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, createRecordingStore, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

function failing(message: string, code?: string): () => Error {
  return () => Object.assign(new Error(message), code === undefined ? {} : { code });
}

const SEQUENCES: Record<string, Step[]> = {
  modify: [{ path: '/modify' }, { path: '/modify' }, { path: '/none' }],
  destroy: [{ path: '/modify' }, { path: '/destroy' }, { path: '/none' }],
  unset: [{ path: '/modify' }, { path: '/null' }, { path: '/delete' }, { path: '/none' }],
  touch: [{ path: '/modify' }, { path: '/none' }, { path: '/touch' }],
  redirect: [{ path: '/modify-redirect' }, { path: '/none' }],
  regenerate: [{ path: '/modify' }, { path: '/regenerate-modify' }, { path: '/none' }],
  reload: [{ path: '/modify' }, { path: '/reload' }, { path: '/none' }],
};

describe.each(EXPRESS_VERSIONS)('store errors under %s', (_name, express) => {
  const failures: Array<[string, Record<string, () => Error>]> = [
    ['get fails', { get: failing('get failed') }],
    ['get ENOENT', { get: failing('no such session', 'ENOENT') }],
    ['get fails with another code', { get: failing('boom', 'EIO') }],
    ['set fails', { set: failing('set failed') }],
    ['destroy fails', { destroy: failing('destroy failed') }],
    ['touch fails', { touch: failing('touch failed') }],
  ];

  it.each(failures)('%s', async (_label, failWith) => {
    for (const [sequence, steps] of Object.entries(SEQUENCES)) {
      for (const options of [
        { ...base, rolling: true, cookie: { maxAge: 60_000 } },
        { ...base, unset: 'destroy', saveUninitialized: true },
      ]) {
        // The failure starts after the first request so there is a session to fail on.
        const build = (pkg: any) => {
          const store = createRecordingStore(pkg, {});
          const app = buildApp({
            pkg,
            express,
            sessionOptions: { ...options, store },
            routes: (a) =>
              a.use((_req: any, _res: any, next: any) => {
                if (store.calls.length > 0) store.options.failWith = failWith;
                next();
              }),
          });
          return app;
        };
        const { reference, session } = await runBoth(build, steps);
        assertSameTranscript(reference, session, `${sequence} ${JSON.stringify(options)}`, steps);
      }
    }
  });

  it('a store without touch is never touched, and still gets rolling cookies', async () => {
    for (const options of [base, { ...base, rolling: true, cookie: { maxAge: 60_000 } }, { ...base, resave: true }]) {
      const steps = [...SEQUENCES.touch!, { path: '/none' }];
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions: options, recording: { noTouch: true } }),
        steps,
      );
      assertSameTranscript(reference, session, JSON.stringify(options), steps);
    }
  });

  it('after "disconnect" requests have no session; after "connect" they do again', async () => {
    const build = (pkg: any) => {
      const store = createRecordingStore(pkg, {});
      return buildApp({
        pkg,
        express,
        sessionOptions: { ...base, store },
        configure: (app) =>
          app.get('/emit/:event', (req: any, res: any) => {
            store.emit(req.params.event);
            res.json({ emitted: req.params.event });
          }),
      });
    };
    const steps: Step[] = [
      { path: '/modify' },
      { path: '/emit/disconnect' },
      { path: '/none' },
      { path: '/none', cookie: 'none' },
      { path: '/emit/connect' },
      { path: '/modify' },
    ];
    const { reference, session } = await runBoth(build, steps);
    assertSameTranscript(reference, session, 'disconnect', steps);
    expect(session[2]!.body).toMatchObject({ after: { session: 'absent' } });
  });

  it('an existing req.session (another session middleware ran first) passes through', async () => {
    const steps: Step[] = [{ path: '/none' }, { path: '/none' }];
    const { reference, session } = await runBoth(
      (pkg) =>
        buildApp({
          pkg,
          express,
          sessionOptions: base,
          configure: (app) =>
            app.use((req: any, _res: any, next: any) => {
              req.session = { preset: true };
              next();
            }),
        }),
      steps,
    );
    assertSameTranscript(reference, session, 'preset session', steps);
    expect(session[0]!.calls).toEqual([]);
  });

  it('a store whose get answers with data the Session cannot take (id, save…) is re-saved as modified', async () => {
    const SID = 'C'.repeat(32);
    const signature = await import('cookie-signature');
    const header = `connect.sid=${encodeURIComponent('s:' + signature.default.sign(SID, 'keyboard cat'))}`;
    const seed = { [SID]: { cookie: { originalMaxAge: null, expires: null, path: '/', httpOnly: true }, id: 'x', save: 1, constructor: 2, views: 3 } };
    const steps: Step[] = [{ path: '/none', cookie: { header } }, { path: '/none', cookie: { header } }];
    for (const options of [base, { ...base, cookie: { maxAge: 60_000 } }]) {
      const { reference, session } = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions: options, seed }), steps);
      assertSameTranscript(reference, session, 'odd keys', steps);
      // Unchanged by the app, yet saved: the baseline is the stored data, which had keys the Session dropped.
      expect((session[0]!.calls as string[][]).map((c) => c[0])).toEqual(['get', 'set']);
    }
  });
});
