/**
 * Cookie options side by side with express-session: every Set-Cookie
 * attribute, the cookie name (and legacy `key`), `genid`, the cookie option
 * as a function of the request, and path scoping.
 */
import { describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

const STEPS: Step[] = [
  { path: '/none' },
  { path: '/modify' },
  { path: '/none' },
  { path: '/modify' },
  { path: '/set-max-age' },
  { path: '/regenerate-modify' },
  { path: '/none' },
];

const cookieCases: Array<[string, Record<string, unknown>]> = [
  ['domain', { domain: 'example.com' }],
  ['httpOnly false', { httpOnly: false }],
  ['partitioned', { partitioned: true, secure: false }],
  ['priority low', { priority: 'low' }],
  ['priority medium', { priority: 'medium' }],
  ['priority high', { priority: 'high' }],
  ['sameSite true', { sameSite: true }],
  ['sameSite false', { sameSite: false }],
  ['sameSite lax', { sameSite: 'lax' }],
  ['sameSite strict', { sameSite: 'strict' }],
  ['sameSite none', { sameSite: 'none' }],
  ['sameSite auto (http)', { sameSite: 'auto' }],
  ['secure false', { secure: false }],
  ['secure true over http', { secure: true }],
  ['secure auto over http', { secure: 'auto' }],
  ['maxAge', { maxAge: 60_000 }],
  ['maxAge 0', { maxAge: 0 }],
  ['maxAge null', { maxAge: null }],
  ['maxAge then expires', { maxAge: 60_000, expires: new Date(Date.now() + 5 * 3600_000 + 30_000) }],
  ['expires then maxAge', { expires: new Date(Date.now() + 5 * 3600_000 + 30_000), maxAge: 60_000 }],
  ['expires in the past', { expires: new Date(Date.now() - 3600_000 - 30_000) }],
  ['path /', { path: '/' }],
  ['every attribute', { domain: 'a.example', httpOnly: false, maxAge: 600_000, partitioned: true, priority: 'high', sameSite: 'strict', path: '/' }],
];

describe.each(EXPRESS_VERSIONS)('cookie options under %s', (_name, express) => {
  it.each(cookieCases)('cookie.%s', async (_label, cookie) => {
    for (const saveUninitialized of [false, true]) {
      for (const rolling of [false, true]) {
        const sessionOptions = { ...base, saveUninitialized, rolling, cookie };
        const { reference, session } = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions }), STEPS);
        assertSameTranscript(reference, session, `saveUninitialized=${saveUninitialized} rolling=${rolling}`, STEPS);
        expect(session).toEqual(reference);
      }
    }
  });

  it('path scoping: no session outside cookie.path, the path attribute inside it', async () => {
    const steps: Step[] = [
      { path: '/modify' },
      { path: '/api/modify' },
      { path: '/api/none' },
      { path: '/none' },
      { path: '/api/none?x=1' },
      { path: '/apix/none' },
    ];
    for (const cookie of [{ path: '/api' }, { path: '/api/' }, { path: '/API' }]) {
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions: { ...base, cookie } }),
        steps,
      );
      assertSameTranscript(reference, session, JSON.stringify(cookie), steps);
    }
  });

  it('cookie as a function of the request, called per request (auto values are not resolved)', async () => {
    const steps: Step[] = [
      { path: '/modify', headers: { 'x-kind': 'short' } },
      { path: '/modify', headers: { 'x-kind': 'long' } },
      { path: '/none', cookie: 'none', headers: { 'x-kind': 'auto' } },
      { path: '/modify', cookie: 'none', headers: { 'x-kind': 'auto' } },
      { path: '/api/modify', cookie: 'none', headers: { 'x-kind': 'api' } },
      { path: '/none', cookie: 'none', headers: { 'x-kind': 'api' } },
    ];
    const build = (pkg: any) => {
      const calls: string[] = [];
      const app = buildApp({
        pkg,
        express,
        sessionOptions: {
          ...base,
          cookie: (req: any) => {
            const kind = req.headers['x-kind'];
            calls.push(kind);
            if (kind === 'short') return { maxAge: 60_000, sameSite: 'lax' };
            if (kind === 'long') return { maxAge: 3600_000, domain: 'example.org' };
            if (kind === 'api') return { path: '/api' };
            // sameSite: 'auto' from a function can never serialise; it is rejected per request (options-validation.test.ts).
            return { secure: 'auto' };
          },
        },
        routes: (a) => a.get('/calls', (_req: any, res: any) => res.json(calls)),
      });
      return app;
    };
    const more = [...steps, { path: '/calls', cookie: 'none' as const }];
    const { reference, session } = await runBoth(build, more);
    assertSameTranscript(reference, session, 'cookie function', more);
  });

  it('name, legacy key, and name winning over key', async () => {
    for (const naming of [{ name: 'sid' }, { key: 'legacy.sid' }, { name: 'n', key: 'k' }, { name: '' }]) {
      const cookieName = (naming as { name?: string }).name || (naming as { key?: string }).key || 'connect.sid';
      const steps: Step[] = [{ path: '/modify' }, { path: '/modify' }, { path: '/none', cookie: { header: `connect.sid=x; other=y` } }];
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions: { ...base, ...naming } }),
        steps,
        { cookieName },
      );
      assertSameTranscript(reference, session, JSON.stringify(naming), steps);
    }
  });

  it('genid receives the request, also on regenerate', async () => {
    const build = (pkg: any) => {
      let n = 0;
      return buildApp({
        pkg,
        express,
        sessionOptions: { ...base, genid: (req: any) => `gen-${++n}${req.url.includes('regenerate') ? '0' : ''}` },
      });
    };
    const steps: Step[] = [{ path: '/modify' }, { path: '/none' }, { path: '/regenerate' }, { path: '/regenerate-modify' }, { path: '/none' }];
    const { reference, session } = await runBoth(build, steps);
    assertSameTranscript(reference, session, 'genid', steps);
  });
});
