/**
 * passport (0.7, with passport-local) on top of each middleware, as apps
 * use it: log in (passport regenerates the session, then saves the user
 * in it), read the user back on the next request, log out (passport saves
 * the cleared session, then regenerates it again) from an async handler.
 * express-session is the oracle: the same statuses, bodies, cookies, store
 * calls and stored sessions, on Express 4 and 5, with this package's
 * MemoryStore and with a foreign (callback) store.
 */
import { describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';

const { Passport } = require('passport') as { Passport: new () => any };
const { Strategy: LocalStrategy } = require('passport-local') as { Strategy: new (verify: Function) => unknown };

const USERS = new Map([[1, { id: 1, username: 'ada', password: 'lovelace' }]]);
const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

function passportRoutes(app: any): void {
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username: string, password: string, done: Function) => {
      const user = [...USERS.values()].find((u) => u.username === username);
      done(null, user !== undefined && user.password === password ? user : false);
    }),
  );
  passport.serializeUser((user: { id: number }, done: Function) => done(null, user.id));
  passport.deserializeUser((id: number, done: Function) => done(null, USERS.get(id) ?? false));
  app.use(passport.initialize());
  app.use(passport.session());
  app.get('/auth/login', passport.authenticate('local'), (req: any, res: any) => res.json({ loggedIn: req.user.username }));
  app.get('/auth/me', (req: any, res: any) => res.json({ authenticated: req.isAuthenticated(), user: req.user?.username ?? null }));
  app.get('/auth/logout', async (req: any, res: any) => {
    await new Promise<void>((resolve, reject) => req.logout((err: unknown) => (err ? reject(err) : resolve())));
    res.json({ loggedOut: true, authenticated: req.isAuthenticated() });
  });
}

const STEPS: Step[] = [
  { path: '/auth/me' },
  { path: '/auth/login?username=ada&password=wrong' },
  { path: '/auth/login?username=ada&password=lovelace' },
  { path: '/auth/me' },
  { path: '/auth/logout' },
  { path: '/auth/me' },
];

describe.each(EXPRESS_VERSIONS)('passport under %s', (_name, express) => {
  it.each(['memory', 'recording'] as const)('login, a later request, logout: as on express-session (%s store)', async (storeKind) => {
    const both = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions: base, storeKind, routes: passportRoutes }), STEPS);
    assertSameTranscript(both.reference, both.session, `passport, ${storeKind} store`, STEPS);
    expect(both.session).toEqual(both.reference);
    // The flow did what it says, on ours.
    expect(both.session.map((line) => line.status)).toEqual([200, 401, 200, 200, 200, 200]);
    expect(both.session[3]!.body).toEqual({ authenticated: true, user: 'ada' });
    expect(both.session[4]!.body).toEqual({ loggedOut: true, authenticated: false });
    expect(both.session[5]!.body).toEqual({ authenticated: false, user: null });
  });
});
