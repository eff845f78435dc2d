/**
 * Hostile Cookie headers, generated with fast-check and picked by hand, run
 * through this package and express-session side by side. For every header
 * both must make the same decision: load the same stored session under the
 * same ID, or load nothing. Neither may throw, and a session loads only when
 * the header carries its ID signed with one of the configured secrets.
 *
 * The middleware decides before it calls next(), so each header is given to
 * the middleware directly (no HTTP parser in between rejects NUL or control
 * bytes first); a few cases go through express over real HTTP too.
 */
import signature from 'cookie-signature';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { express4 } from './helpers/differential';
import { reference, session } from './helpers/package';

const SECRETS = ['current secret', 'previous secret'];
const FOREIGN_SECRET = 'someone else';
const KNOWN = ['known-session-aaaaaaaaaaaaaaaaaaaa', 'known-session-bbbbbbbbbbbbbbbbbbbb', 'k'];
const UNKNOWN = 'no-such-session-cccccccccccccccccc';
const FRESH_ID = /^[A-Za-z0-9_-]{32}$/;

type Pkg = typeof session;

interface Side {
  pkg: Pkg;
  store: any;
  mw: (req: any, res: any, next: (err?: unknown) => void) => void;
}

function side(pkg: Pkg): Side {
  const store = new pkg.MemoryStore();
  const mw = pkg({ secret: SECRETS, resave: false, saveUninitialized: false, store } as any);
  return { pkg, store, mw };
}

async function seedKnown(s: Side): Promise<void> {
  for (const id of KNOWN) {
    await new Promise<void>((resolve, reject) =>
      s.store.set(id, { cookie: { originalMaxAge: null, expires: null, httpOnly: true, path: '/' }, owner: id }, (err: unknown) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
}

const ours = side(session);
const theirs = side(reference);
afterAll(() => ours.store.close?.());

interface Decision {
  threw?: string;
  error?: string;
  loaded: string | null;
  id: string | null;
}

/** What the middleware decided for one Cookie header: which stored session it loaded, under which ID. */
function decide(s: Side, cookie: string | string[]): Promise<Decision> {
  const req: any = { url: '/', originalUrl: '/', method: 'GET', headers: { cookie } };
  // A response the middleware can hook but that is never ended: only the load decision is observed.
  const res: any = { getHeader() {}, setHeader() {}, writeHead() {}, end() {}, on() {}, once() {} };
  return new Promise((resolve) => {
    try {
      s.mw(req, res, (err?: unknown) => {
        const loaded = typeof req.session?.owner === 'string' ? req.session.owner : null;
        resolve({
          ...(err ? { error: String((err as Error).message) } : {}),
          loaded,
          id: loaded === null ? (FRESH_ID.test(req.sessionID) ? 'fresh' : `odd:${req.sessionID}`) : req.sessionID,
        });
      });
    } catch (err) {
      resolve({ threw: String(err), loaded: null, id: null });
    }
  });
}

const sign = (id: string, secret: string) => 's:' + signature.sign(id, secret);

/** Cookie values an attacker might send, from valid to thoroughly broken. */
const cookieValue = fc.oneof(
  fc.constantFrom(...KNOWN, UNKNOWN).chain((id) =>
    fc.oneof(
      fc.constantFrom(...SECRETS, FOREIGN_SECRET).map((secret) => sign(id, secret)),
      fc.constantFrom(...SECRETS).map((secret) => encodeURIComponent(sign(id, secret))),
      // Truncated, extended or bit-flipped signatures.
      fc.nat({ max: 43 }).map((cut) => sign(id, SECRETS[0]!).slice(0, -1 - cut)),
      fc.string({ maxLength: 3 }).map((tail) => sign(id, SECRETS[0]!) + tail),
      fc.nat({ max: 42 }).map((at) => {
        const v = sign(id, SECRETS[0]!);
        const i = v.length - 1 - at;
        return v.slice(0, i) + (v[i] === 'A' ? 'B' : 'A') + v.slice(i + 1);
      }),
      fc.constant('s:' + id),
      fc.constant(id),
      fc.constant('s:' + id + '.'),
    ),
  ),
  // Signed values whose ID itself is hostile (then verified: the signature is valid but the store has nothing).
  fc.string({ unit: 'binary', maxLength: 40 }).map((id) => encodeURIComponent(sign(id, SECRETS[0]!))),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('%', '%z', '%zz', '%E0%A4%A', '%00', '%FF%FE', 's%3A', 's%3', '"', '""', '"s:', '\u0000', '\uffff', '\ud800', 's:.', '.', ''),
);

const cookieName = fc.oneof(
  { weight: 6, arbitrary: fc.constant('connect.sid') },
  { weight: 1, arbitrary: fc.constantFrom(' connect.sid', 'connect.sid ', 'Connect.sid', 'connect.si', 'connect.sidx', 'connect%2Esid', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const separator = fc.constantFrom('; ', ';', ' ; ', ';;', ', ', '\t; ', ';\u0000');

const cookieHeader = fc
  .array(fc.tuple(cookieName, fc.constantFrom('=', '=', '=', ' = ', '=='), cookieValue), { minLength: 0, maxLength: 6 })
  .chain((pairs) =>
    fc.array(separator, { minLength: pairs.length, maxLength: pairs.length }).map((seps) =>
      pairs.map(([n, eq, v], i) => n + eq + v + (i < pairs.length - 1 ? seps[i] : '')).join(''),
    ),
  );

/** A valid header damaged at one place: a character inserted, deleted or replaced by any code unit. */
const mutatedHeader = fc
  .tuple(fc.constantFrom(...KNOWN), fc.constantFrom(...SECRETS), fc.nat(), fc.integer({ min: 0, max: 0xffff }), fc.constantFrom('insert', 'delete', 'replace'))
  .map(([id, secret, at, code, how]) => {
    const header = `a=1; connect.sid=${encodeURIComponent(sign(id, secret))}; b=2`;
    const i = at % header.length;
    const c = String.fromCharCode(code);
    return how === 'insert' ? header.slice(0, i) + c + header.slice(i) : how === 'delete' ? header.slice(0, i) + header.slice(i + 1) : header.slice(0, i) + c + header.slice(i + 1);
  });

/** Whether `header` carries, as the first connect.sid cookie, a known ID signed by a configured secret. */
function carriesValidSignature(header: string, id: string): boolean {
  return SECRETS.some((secret) => header.includes(sign(id, secret)) || header.includes(encodeURIComponent(sign(id, secret))));
}

async function expectSameDecision(header: string | string[]): Promise<Decision> {
  const a = await decide(ours, header);
  const b = await decide(theirs, header);
  expect(a.threw, `threw for ${JSON.stringify(header)}`).toBeUndefined();
  expect(a.error, `next(err) for ${JSON.stringify(header)}`).toBeUndefined();
  expect(a, `header ${JSON.stringify(header)}`).toEqual(b);
  if (a.loaded !== null) {
    // Never a forged or unsigned ID: the loaded session's ID was signed by one of our secrets.
    expect(a.id).toBe(a.loaded);
    expect(carriesValidSignature(typeof header === 'string' ? header : header.join(''), a.loaded)).toBe(true);
  }
  return a;
}

describe('hostile Cookie headers: the same decision as express-session', async () => {
  await seedKnown(ours);
  await seedKnown(theirs);

  it('generated headers (valid, forged, truncated, other-secret, garbage, duplicated names)', async () => {
    let loadedCount = 0;
    await fc.assert(
      fc.asyncProperty(cookieHeader, async (header) => {
        if ((await expectSameDecision(header)).loaded !== null) loadedCount++;
      }),
      { numRuns: 1500 },
    );
    // The generator does reach valid cookies, so the property tests both outcomes.
    expect(loadedCount).toBeGreaterThan(20);
  });

  it('valid headers damaged at one place', async () => {
    await fc.assert(fc.asyncProperty(mutatedHeader, async (header) => void (await expectSameDecision(header))), { numRuns: 1500 });
  });

  it('arbitrary unicode and binary headers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 })), async (h) => {
        await expectSameDecision(h);
      }),
      { numRuns: 800 },
    );
  });

  const valid = `connect.sid=${encodeURIComponent(sign(KNOWN[0]!, SECRETS[1]!))}`;
  const cases: Array<[string, string | string[], string | null]> = [
    ['a 64 KB header with the session cookie last', 'x='.padEnd(64 * 1024, 'y') + '; ' + valid, KNOWN[0]!],
    ['a header just past the kernel buffer (65,536 bytes)', 'x='.padEnd(65536 - valid.length - 2, 'y') + '; ' + valid, KNOWN[0]!],
    ['a header of exactly the kernel buffer minus its spare bytes', 'x='.padEnd(65532 - valid.length - 2, 'y') + '; ' + valid, KNOWN[0]!],
    ['a 1 MB header', 'x='.padEnd(1 << 20, 'y') + '; ' + valid, KNOWN[0]!],
    ['5,000 cookies, then the session cookie', Array.from({ length: 5000 }, (_, i) => `c${i}=${i}`).join('; ') + '; ' + valid, KNOWN[0]!],
    ['5,000 forged session cookies, then a valid one (the first wins)', Array.from({ length: 5000 }, (_, i) => `connect.sid=s%3Aforged${i}.x`).join('; ') + '; ' + valid, null],
    ['a valid cookie, then 5,000 forged ones', valid + '; ' + Array.from({ length: 5000 }, () => `connect.sid=s%3A${KNOWN[1]}.AAAA`).join('; '), KNOWN[0]!],
    ['the ID of a session that does not exist, validly signed', `connect.sid=${encodeURIComponent(sign(UNKNOWN, SECRETS[0]!))}`, null],
    ['signed with a secret we do not have', `connect.sid=${encodeURIComponent(sign(KNOWN[0]!, FOREIGN_SECRET))}`, null],
    ['unsigned', `connect.sid=${KNOWN[0]}`, null],
    ['s: prefix without a signature', `connect.sid=s%3A${KNOWN[0]}`, null],
    ['NUL inside the value', valid.replace('.', '.\u0000'), null],
    ['NUL before the cookie', '\u0000; ' + valid, KNOWN[0]!],
    ['control bytes around it', '\u0001\u001f\u007f; ' + valid + '; \u0007', KNOWN[0]!],
    ['an invalid escape inside the value', valid.replace('%3A', '%3Z'), null],
    ['a lone surrogate in another cookie', 'a=\ud800; ' + valid, KNOWN[0]!],
  ];

  it.each(cases)('%s', async (_label, header, expected) => {
    const decision = await expectSameDecision(header);
    expect(decision.loaded).toBe(expected);
  });

  it('a header an app replaced by an array: the same TypeError as express-session, thrown to the framework', async () => {
    // Node always joins Cookie headers into one string; only app code can do this.
    const header = [valid, 'other=1'];
    const a = await decide(ours, header);
    expect(a).toEqual(await decide(theirs, header));
    expect(a.threw).toBe('TypeError: argument str must be a string');
  });

  it('the same headers through express over HTTP: same status and session', async () => {
    const headers = [valid, `connect.sid=${encodeURIComponent(sign(KNOWN[0]!, FOREIGN_SECRET))}`, 'connect.sid=%zz; ' + valid, 'x='.padEnd(12_000, 'y') + '; ' + valid];
    // (Node's HTTP parser refuses headers past 16 KB by default with 431, before any middleware runs.)
    for (const pkg of [session, reference]) {
      const store = new pkg.MemoryStore();
      const app = express4();
      app.use(pkg({ secret: SECRETS, resave: false, saveUninitialized: false, store } as any));
      app.get('/', (req: any, res: any) => res.json({ owner: req.session.owner ?? null }));
      await new Promise<void>((r) => store.set(KNOWN[0]!, { cookie: { originalMaxAge: null, path: '/' }, owner: KNOWN[0] }, () => r()));
      const owners = [];
      for (const h of headers) owners.push((await request(app).get('/').set('Cookie', h)).body.owner);
      expect(owners).toEqual([KNOWN[0], null, null, KNOWN[0]]);
      (store as any).close?.();
    }
  });
});

describe('a flood of bogus cookies with saveUninitialized: false creates nothing', () => {
  it('the MemoryStore keeps its size (stats and length) after 3,000 forged, unsigned and unknown cookies', async () => {
    const store = new session.MemoryStore();
    const app = express4();
    app.use(session({ secret: SECRETS, resave: false, saveUninitialized: false, store }));
    app.get('/', (req: any, res: any) => res.send(req.session.owner ?? 'anonymous'));
    await new Promise<void>((r) => store.set(KNOWN[0]!, { cookie: { originalMaxAge: null, path: '/' }, owner: KNOWN[0] }, () => r()));
    const before = store.stats();
    const lengthOf = () => new Promise<number>((r) => store.length((_e: unknown, n?: number) => r(n!)));
    expect(await lengthOf()).toBe(1);

    const samples = fc.sample(cookieHeader, { numRuns: 3000, seed: 7 });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const agent = request(server);
      for (let i = 0; i < samples.length; i += 50) {
        await Promise.all(
          samples.slice(i, i + 50).map((header) =>
            agent
              .get('/')
              .set('Cookie', header.replace(/[\u0000-\u001f\u007f-\uffff]/g, ''))
              .catch(() => undefined),
          ),
        );
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
    const after = store.stats();
    expect(after.entries).toBe(before.entries);
    expect(await lengthOf()).toBe(1);
    const ids = await new Promise<string[]>((r) => store.ids((_e: unknown, list?: string[]) => r(list!)));
    expect(ids).toEqual([KNOWN[0]]);
    store.close();
  });
});
