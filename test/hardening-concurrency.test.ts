/**
 * Many requests on one session at once (resave: false). Each request loads
 * the session as it was, changes its own copy, and saves it at its end. In
 * express-session the last save wins, whole, and racing updates are lost. Our
 * stores merge each save at the top-level key (format/merge.ts): every
 * request's own key survives, and the key they all change (`count`, `last`)
 * is the last writer's. Nothing is torn, nothing crashes.
 */
import http from 'node:http';
import signature from 'cookie-signature';
import { afterAll, describe, expect, it } from 'vitest';
import { express4, listen } from './helpers/differential';
import { reference, session } from './helpers/package';
import { removeTempStores, tempStorePath } from './helpers/lmdb';

afterAll(removeTempStores);

const SECRET = 'concurrency secret';
const SID = 'one-session-for-everyone-00000000';
const cookie = `connect.sid=${encodeURIComponent('s:' + signature.sign(SID, SECRET))}`;
const PARALLEL = 200;

const STORES = {
  MemoryStore: (pkg: typeof session) => new pkg.MemoryStore(),
  LmdbStore: () => new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 }),
} as const;

function get(port: number, path: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function hammer(pkg: typeof session, store: any): Promise<{ statuses: Set<number>; stored: any }> {
  await new Promise<void>((r) => store.set(SID, { cookie: { originalMaxAge: null, path: '/', httpOnly: true }, count: 0 }, () => r()));
  const app = express4();
  app.use(pkg({ secret: SECRET, resave: false, saveUninitialized: false, store }));
  app.get('/write/:i', (req: any, res: any) => {
    // Some requests finish in the same turn, some later, so loads and saves interleave.
    const i = Number(req.params.i);
    setTimeout(() => {
      req.session.count += 1;
      req.session['k' + i] = 'x'.repeat(i % 50);
      req.session.last = i;
      res.send(String(req.session.count));
    }, i % 7);
  });
  const server = await listen(app);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  try {
    const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => get(server.port, `/write/${i}`, agent)));
    const stored = await new Promise((r) => store.get(SID, (_e: unknown, s: unknown) => r(s)));
    return { statuses: new Set(results.map((r) => r.status)), stored };
  } finally {
    agent.destroy();
    await server.close();
  }
}

/**
 * Whether `stored` is one request's whole view. Each request adds its own key
 * to what it loaded and counts one more, so in any saved view the count equals
 * the number of keys; a merge of two views or a torn write would break that.
 * Updates racing on the same loaded version are lost (last write wins): the
 * count ends below the number of requests.
 */
function expectOneWholeSnapshot(stored: any): void {
  const keys = Object.keys(stored).filter((k) => /^k\d+$/.test(k));
  expect(stored.count).toBe(keys.length);
  expect(keys).toContain('k' + stored.last);
  for (const k of keys) expect(stored[k]).toBe('x'.repeat(Number(k.slice(1)) % 50));
  expect(stored.count).toBeGreaterThanOrEqual(1);
  expect(stored.count).toBeLessThanOrEqual(PARALLEL);
  expect(stored.cookie).toMatchObject({ path: '/', httpOnly: true });
}

/** Our stores: every request's own key, whole; the keys every request changes hold one request's values. */
function expectEveryKeyMerged(stored: any): void {
  const keys = Object.keys(stored).filter((k) => /^k\d+$/.test(k));
  expect(keys).toHaveLength(PARALLEL);
  for (const k of keys) expect(stored[k]).toBe('x'.repeat(Number(k.slice(1)) % 50));
  expect(stored.count).toBeGreaterThanOrEqual(1);
  expect(stored.count).toBeLessThanOrEqual(PARALLEL);
  expect(keys).toContain('k' + stored.last);
  expect(stored.cookie).toMatchObject({ path: '/', httpOnly: true });
}

describe(`${PARALLEL} parallel requests on one session, resave: false`, () => {
  it.each(Object.keys(STORES) as Array<keyof typeof STORES>)('%s: all answered, every request\'s own key is kept (merge on save)', async (kind) => {
    const store: any = STORES[kind](session);
    try {
      const { statuses, stored } = await hammer(session, store);
      expect([...statuses]).toEqual([200]);
      expectEveryKeyMerged(stored);
    } finally {
      await store.close?.();
    }
  });

  it('express-session behaves the same way (a whole snapshot, no merge)', async () => {
    const { statuses, stored } = await hammer(reference, new reference.MemoryStore());
    expect([...statuses]).toEqual([200]);
    expectOneWholeSnapshot(stored);
  });
});
