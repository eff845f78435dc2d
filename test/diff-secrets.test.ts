/**
 * Secrets and reading the session ID, side by side with express-session:
 * rotation (the first secret signs, every one verifies), key types other than
 * strings, a secret mutated at run time, cookie-parser's `req.secret`,
 * `req.signedCookies` and `req.cookies`, and malformed or forged cookies.
 */
import { createSecretKey } from 'node:crypto';
import signature from 'cookie-signature';
import { describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';

const SID = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1';
const stored = { cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, views: 7 };

function signed(id: string, secret: unknown): string {
  return encodeURIComponent('s:' + signature.sign(id, secret as string));
}

const base = { resave: false, saveUninitialized: false };

describe.each(EXPRESS_VERSIONS)('secrets under %s', (_name, express) => {
  it('rotation: a cookie signed by any listed secret loads; new cookies are signed by the first', async () => {
    const secrets = ['new secret', 'old secret', 'older secret'];
    for (const signer of [...secrets, 'unknown secret']) {
      const steps: Step[] = [
        { path: '/none', cookie: { header: `connect.sid=${signed(SID, signer)}` } },
        { path: '/modify', cookie: { header: `connect.sid=${signed(SID, signer)}` } },
        { path: '/none' },
      ];
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions: { ...base, secret: secrets }, seed: { [SID]: stored } }),
        steps,
        { secrets },
      );
      assertSameTranscript(reference, session, `signed by ${signer}`, steps);
    }
  });

  it('secrets of every type createHmac takes: Buffer, typed array, KeyObject', async () => {
    const keys: unknown[] = [Buffer.from('buffer secret'), new Uint8Array([1, 2, 3, 4]), createSecretKey(Buffer.from('key object'))];
    for (const key of keys) {
      const steps: Step[] = [
        { path: '/none', cookie: { header: `connect.sid=${signed(SID, key)}` } },
        { path: '/modify' },
        { path: '/modify' },
      ];
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions: { ...base, secret: key }, seed: { [SID]: stored } }),
        steps,
        { secrets: [key] },
      );
      assertSameTranscript(reference, session, String(key?.constructor?.name), steps);
      expect(session[0]!.body).toMatchObject({ after: { views: 7 } });
    }
  });

  it('an app that mutates its secret array rotates keys from the next request', async () => {
    const build = (pkg: any) => {
      const secret = ['first'];
      return buildApp({
        pkg,
        express,
        sessionOptions: { ...base, secret },
        routes: (app) =>
          app.get('/rotate', (_req: any, res: any) => {
            secret.unshift('second');
            res.json(secret);
          }),
      });
    };
    const steps: Step[] = [{ path: '/modify' }, { path: '/rotate', cookie: 'none' }, { path: '/modify' }, { path: '/regenerate-modify' }, { path: '/modify' }];
    const { reference, session } = await runBoth(build, steps, { secrets: ['second', 'first'] });
    assertSameTranscript(reference, session, 'mutated secret', steps);
  });

  it('malformed, unsigned, forged and duplicated cookies never load a session and never crash', async () => {
    const headers = [
      `connect.sid=${SID}`,
      `connect.sid=s:${SID}`,
      `connect.sid=s:${SID}.`,
      `connect.sid=s:${SID}.bad`,
      `connect.sid=${signed(SID, 'keyboard cat')}x`,
      `connect.sid=%E0%A4%A`,
      `connect.sid="${signed(SID, 'keyboard cat')}"`,
      `connect.sid=; connect.sid=${signed(SID, 'keyboard cat')}`,
      `connect.sid=${signed(SID, 'keyboard cat')}; connect.sid=garbage`,
      `other=1;connect.sid=${signed(SID, 'keyboard cat')}`,
      `connect.sid =${signed(SID, 'keyboard cat')}`,
      `=;;;=;connect.sid`,
      `connect.sid=${signed('', 'keyboard cat')}`,
      `connect.sid=${signed('../etc', 'keyboard cat')}`,
      'x'.repeat(8000),
    ];
    for (const header of headers) {
      const steps: Step[] = [{ path: '/none', cookie: { header } }, { path: '/modify', cookie: { header } }];
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions: { ...base, secret: 'keyboard cat' }, seed: { [SID]: stored } }),
        steps,
      );
      assertSameTranscript(reference, session, header, steps);
    }
  });

  it('without a secret: next(err) "secret option required for sessions", or cookie-parser’s req.secret', async () => {
    const steps: Step[] = [
      { path: '/modify' },
      { path: '/modify', headers: { 'x-secret': 'cp secret' } },
      { path: '/modify', headers: { 'x-secret': 'cp secret' } },
      { path: '/none', headers: { 'x-secret': 'another' } },
    ];
    const { reference, session } = await runBoth(
      (pkg) =>
        buildApp({
          pkg,
          express,
          sessionOptions: { ...base },
          configure: (app) =>
            app.use((req: any, _res: any, next: any) => {
              if (req.headers['x-secret']) req.secret = req.headers['x-secret'];
              next();
            }),
        }),
      steps,
      { secrets: ['cp secret', 'another'] },
    );
    assertSameTranscript(reference, session, 'req.secret', steps);
    expect(session[0]!.status).toBe(500);
    expect(session[0]!.body).toMatchObject({ error: 'secret option required for sessions' });
  });

  it('back-compat: IDs from cookie-parser’s req.signedCookies and req.cookies', async () => {
    const fakeCookieParser = (app: any) =>
      app.use((req: any, _res: any, next: any) => {
        const mode = req.headers['x-mode'];
        if (mode === 'signed') req.signedCookies = { 'connect.sid': SID };
        if (mode === 'signed-false') req.signedCookies = { 'connect.sid': false };
        if (mode === 'cookies') req.cookies = { 'connect.sid': 's:' + signature.sign(SID, 'keyboard cat') };
        if (mode === 'cookies-bad') req.cookies = { 'connect.sid': 's:' + signature.sign(SID, 'nope') };
        if (mode === 'cookies-unsigned') req.cookies = { 'connect.sid': SID };
        if (mode === 'both') {
          req.signedCookies = { 'connect.sid': 'unknown-id' };
          req.cookies = { 'connect.sid': 's:' + signature.sign(SID, 'keyboard cat') };
        }
        next();
      });
    for (const mode of ['signed', 'signed-false', 'cookies', 'cookies-bad', 'cookies-unsigned', 'both']) {
      const steps: Step[] = [
        { path: '/none', cookie: 'none', headers: { 'x-mode': mode } },
        { path: '/modify', cookie: 'none', headers: { 'x-mode': mode } },
        // A valid header cookie wins over cookie-parser's data.
        { path: '/none', cookie: { header: `connect.sid=${signed('B'.repeat(32), 'keyboard cat')}` }, headers: { 'x-mode': mode } },
      ];
      const { reference, session } = await runBoth(
        (pkg) =>
          buildApp({
            pkg,
            express,
            sessionOptions: { ...base, secret: 'keyboard cat' },
            seed: { [SID]: stored, ['B'.repeat(32)]: { ...stored, views: 1 } },
            configure: fakeCookieParser,
          }),
        steps,
      );
      assertSameTranscript(reference, session, mode, steps);
    }
  });
});
