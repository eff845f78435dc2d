/**
 * Secure cookies side by side with express-session: a secure cookie is only
 * sent over HTTPS, as decided by the TLS socket, the `proxy` option with
 * X-Forwarded-Proto, or Express's own `req.secure` ("trust proxy"); and
 * `secure: 'auto'` / `sameSite: 'auto'` follow the same decision.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { assertSameTranscript, buildApp, EXPRESS_VERSIONS, runBoth, type Step, type TlsCredentials } from './helpers/differential';
import { selfSignedCertificate } from './helpers/tls';

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

const FORWARDED = [undefined, 'https', 'http', 'HTTPS', 'https,http', ' https , http', 'http, https', ''];

function steps(proto: string | undefined): Step[] {
  const headers: Record<string, string> = proto === undefined ? {} : { 'x-forwarded-proto': proto };
  return [
    { path: '/modify', headers },
    { path: '/none', headers },
    { path: '/modify', headers },
    { path: '/none' },
  ];
}

const cookies: Array<Record<string, unknown>> = [
  { secure: true },
  { secure: 'auto' },
  { sameSite: 'auto' },
  { secure: 'auto', sameSite: 'auto', maxAge: 60_000 },
];

describe.each(EXPRESS_VERSIONS)('secure cookies under %s', (_name, express) => {
  for (const proxy of [undefined, true, false]) {
    for (const trustProxy of [false, true]) {
      it(`proxy=${proxy} trust proxy=${trustProxy}`, async () => {
        for (const cookie of cookies) {
          for (const proto of FORWARDED) {
            const s = steps(proto);
            const { reference, session } = await runBoth(
              (pkg) =>
                buildApp({
                  pkg,
                  express,
                  sessionOptions: { ...base, proxy, cookie },
                  configure: (app) => app.set('trust proxy', trustProxy),
                }),
              s,
            );
            assertSameTranscript(reference, session, `cookie=${JSON.stringify(cookie)} x-forwarded-proto=${proto}`, s);
          }
        }
      });
    }
  }
});

describe('over a TLS socket', () => {
  let tls: TlsCredentials;
  beforeAll(() => {
    tls = selfSignedCertificate();
  });

  it.each(EXPRESS_VERSIONS)('%s: secure and auto cookies are set, proxy=false does not matter', async (_name, express) => {
    for (const proxy of [undefined, true, false]) {
      for (const cookie of cookies) {
        const s = steps(undefined);
        const { reference, session } = await runBoth(
          (pkg) => buildApp({ pkg, express, sessionOptions: { ...base, proxy, cookie } }),
          s,
          { tls },
        );
        assertSameTranscript(reference, session, `proxy=${proxy} cookie=${JSON.stringify(cookie)}`, s);
        // The secure cookie really was sent (the TLS branch, not a both-silent pass).
        expect(session[0]!.setCookie.length).toBe(1);
      }
    }
  });
});
