/**
 * The option matrix, run side by side against express-session: every
 * combination of resave × saveUninitialized × rolling × unset × cookie
 * lifetime, each with every session action applied to a new session and to
 * a loaded one. Status, body, Set-Cookie, the store calls and the store
 * contents must match request by request.
 */
import { describe, expect, it } from 'vitest';
import { ACTIONS, assertSameTranscript, buildApp, EXPRESS_VERSIONS, runBoth, type Step } from './helpers/differential';

// Read afresh whenever a session cookie is built, so both packages see the same
// lifetime however long the file has been running (a Date fixed at load drifted
// onto a minute-rounding boundary on a slow run). +15 s keeps the rounding to
// whole minutes well away from .5 for the length of one request sequence.
const EXPIRES_OPTION = {
  get expires(): Date {
    return new Date(Date.now() + 2 * 3600_000 + 15_000);
  },
};

const COOKIES = {
  session: {},
  maxAge: { maxAge: 3600_000 },
  expires: EXPIRES_OPTION,
} as const;

/** Each action on a new session, repeated, then on a session loaded from the store. */
function stepsFor(action: string): Step[] {
  return [
    { path: `/${action}` },
    { path: `/${action}` },
    { path: '/none' },
    { path: '/modify', cookie: 'none' },
    { path: `/${action}` },
    { path: '/none' },
    { path: '/none' },
  ];
}

const combos: Array<[string, Record<string, unknown>]> = [];
for (const resave of [false, true]) {
  for (const saveUninitialized of [false, true]) {
    for (const rolling of [false, true]) {
      for (const unset of ['keep', 'destroy']) {
        for (const [cookieName, cookie] of Object.entries(COOKIES)) {
          combos.push([
            `resave=${resave} saveUninitialized=${saveUninitialized} rolling=${rolling} unset=${unset} cookie=${cookieName}`,
            { secret: 'keyboard cat', resave, saveUninitialized, rolling, unset, cookie },
          ]);
        }
      }
    }
  }
}

describe.each(EXPRESS_VERSIONS)('option matrix under %s', (_name, express) => {
  it.each(combos)('%s', async (_label, sessionOptions) => {
    for (const action of ACTIONS) {
      const steps = stepsFor(action);
      const { reference, session } = await runBoth((pkg) => buildApp({ pkg, express, sessionOptions }), steps);
      assertSameTranscript(reference, session, action, steps);
      expect(session).toEqual(reference);
    }
  });
});

// Each package's own MemoryStore: for this package that is the synchronous
// fast path (FAST_STORE), which the recording store above never takes.
describe('option matrix with each package’s MemoryStore (express4)', () => {
  const [, express] = EXPRESS_VERSIONS[0];
  it.each(combos)('%s', async (_label, sessionOptions) => {
    for (const action of ACTIONS) {
      const steps = stepsFor(action);
      const { reference, session } = await runBoth(
        (pkg) => buildApp({ pkg, express, sessionOptions, storeKind: 'memory' }),
        steps,
      );
      assertSameTranscript(reference, session, action, steps);
      expect(session).toEqual(reference);
    }
  });
});
