// bench/micro/lmdb-store.mjs — a session's store work per request (get, change a
// field, set) on LmdbStore, against a naive LMDB store that commits each write
// with putSync (baseline) and against memorystore (in-process, not shared, not
// persistent: the price of sharing and persistence). Through the callback API
// one request at a time and 32 in flight, and through the fast access the
// middleware uses. Also: reads alone, and the four durability settings.
// Imports the BUILT package: run `npm run build` first.
//
//   node bench/micro/lmdb-store.mjs [--quick]
//   node bench/micro/lmdb-store.mjs --sweep   # what a sweep pass costs the main thread
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMicroGroup } from '../lib/micro.mjs';
import { measureMicroGroups } from '../lib/micro-rounds.mjs';
import { median } from '../lib/stats.mjs';
import { sessionOf, storeRoundTrips } from '../lib/store-round-trips.mjs';

const require = createRequire(import.meta.url);
const session = require('../../dist/index.js');
const { FAST_STORE } = require('../../dist/stores/fast-store.js');
const { open } = require('lmdb');
const expressSession = require('express-session');
const MemoryStoreFactory = require('memorystore');

/** Round trips per timed call, so tinybench's per-sample overhead stays small next to the work. */
const BATCH = 32;
const SESSIONS = 1000;
const DAY = 86_400_000;

const { sidOf, nextSid, sequential, concurrent } = storeRoundTrips({ prefix: 'lb', sessions: SESSIONS, batch: BATCH });

const dirs = [];
function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-lmdb-'));
  dirs.push(dir);
  return dir;
}

/**
 * The obvious way to put sessions in LMDB: JSON values, and every write
 * committed on the spot with putSync, blocking the thread for the commit.
 */
class NaiveLmdbStore extends session.Store {
  constructor(dir) {
    super();
    this.db = open({ path: dir, encoding: 'json' });
  }
  get(sid, cb) {
    const value = this.db.get(sid);
    process.nextTick(cb, null, value && value.expires > Date.now() ? value.session : undefined);
  }
  set(sid, sess, cb) {
    this.db.putSync(sid, { expires: new Date(sess.cookie.expires).getTime(), session: sess });
    process.nextTick(cb, null);
  }
  destroy(sid, cb) {
    this.db.removeSync(sid);
    process.nextTick(cb, null);
  }
  close() {
    return this.db.close();
  }
}

const setAll = (store) =>
  Promise.all(
    Array.from({ length: SESSIONS }, (_, i) => new Promise((resolve, reject) => store.set(sidOf(i), sessionOf(i), (e) => (e ? reject(e) : resolve())))),
  );

async function createStores() {
  const MemoryStoreLru = MemoryStoreFactory(expressSession);
  const stores = {
    naive: new NaiveLmdbStore(tempDir()),
    memorystore: new MemoryStoreLru({ checkPeriod: DAY }),
    lmdb: new session.LmdbStore({ path: tempDir() }),
    lmdbCommit: new session.LmdbStore({ path: tempDir(), durability: 'commit' }),
    lmdbFlush: new session.LmdbStore({ path: tempDir(), durability: 'flush' }),
    lmdbNone: new session.LmdbStore({ path: tempDir(), durability: 'none' }),
  };
  for (const store of Object.values(stores)) await setAll(store);
  return stores;
}

/** What the middleware does with LmdbStore: read text, parse, serialise, write, answer once committed. */
const fastRoundTrip = (fast) => {
  const one = () => {
    const sid = nextSid();
    const sess = JSON.parse(fast.readJSON(sid));
    sess.views++;
    return fast.writeJSON(sid, JSON.stringify(sess), Date.parse(sess.cookie.expires));
  };
  return {
    sequential: async () => {
      for (let i = 0; i < BATCH; i++) await one();
    },
    concurrent: () => Promise.all(Array.from({ length: BATCH }, one)),
  };
}

const reads = (store) => async () => {
  for (let i = 0; i < BATCH; i++) {
    await new Promise((resolve, reject) => store.get(nextSid(), (err, sess) => (err || !sess ? reject(err ?? new Error('lost')) : resolve())));
  }
};
const fastReads = (fast) => () => {
  for (let i = 0; i < BATCH; i++) if (fast.readJSON(nextSid()) === undefined) throw new Error('lost');
};

function groups(stores) {
  const NAIVE = 'naive LMDB (putSync per write)';
  const fast = fastRoundTrip(stores.lmdb[FAST_STORE]);
  return [
    {
      group: 'LMDB get+set round trip, callback API, one at a time',
      baseline: NAIVE,
      contenders: [
        [NAIVE, sequential(stores.naive)],
        ['memorystore (one process only)', sequential(stores.memorystore)],
        ['wasm-session LmdbStore', sequential(stores.lmdb)],
      ],
    },
    {
      group: `LMDB get+set round trip, callback API, ${BATCH} in flight`,
      baseline: NAIVE,
      contenders: [
        [NAIVE, concurrent(stores.naive)],
        ['memorystore (one process only)', concurrent(stores.memorystore)],
        ['wasm-session LmdbStore', concurrent(stores.lmdb)],
      ],
    },
    {
      group: 'LMDB get+set round trip, fast access (as the middleware calls it)',
      baseline: NAIVE,
      contenders: [
        [NAIVE, sequential(stores.naive)],
        ['LmdbStore fast access, one at a time', fast.sequential],
        [`LmdbStore fast access, ${BATCH} in flight`, fast.concurrent],
      ],
    },
    {
      group: 'LMDB get only (a fresh read snapshot each time)',
      baseline: NAIVE,
      contenders: [
        [NAIVE, reads(stores.naive)],
        ['memorystore (one process only)', reads(stores.memorystore)],
        ['wasm-session LmdbStore, callback API', reads(stores.lmdb)],
        ['wasm-session LmdbStore, fast access', fastReads(stores.lmdb[FAST_STORE])],
      ],
    },
    {
      group: `LmdbStore durability, get+set, ${BATCH} in flight`,
      baseline: "durability 'background' (default)",
      contenders: [
        ["durability 'background' (default)", concurrent(stores.lmdb)],
        ["durability 'commit'", concurrent(stores.lmdbCommit)],
        ["durability 'flush'", concurrent(stores.lmdbFlush)],
        ["durability 'none'", concurrent(stores.lmdbNone)],
      ],
    },
  ];
}

export async function run({ quick = false } = {}) {
  const rounds = quick ? 2 : 7;
  const time = quick ? 40 : 250;
  const stores = await createStores();
  try {
    // The fsync-per-write contenders take a quarter second a batch on a busy disk: quick runs the fewest batches.
    const counts = quick ? { iterations: 2, warmupIterations: 2 } : { iterations: 5 };
    return await measureMicroGroups(groups(stores), { rounds, time, batch: BATCH, ...counts });
  } finally {
    stores.memorystore.stopInterval();
    await Promise.all([stores.naive.close(), stores.lmdb.close(), stores.lmdbCommit.close(), stores.lmdbFlush.close(), stores.lmdbNone.close()]);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a sweep pass costs the main thread, on the piscina worker (what the
 * store does) and on the main thread itself (its fallback, run through the
 * built internals): `count` sessions, half expired, one pass each, alternating
 * over `rounds`. "busy" is the main thread's event-loop utilisation over the
 * pass, so it does not count time the thread was preempted by other processes.
 */
export async function measureSweep({ count = 50_000, rounds = 3, sweepBatchSize = 1000 } = {}) {
  const { performance } = await import('node:perf_hooks');
  const { openLmdbEnvironment } = require('../../dist/stores/lmdb/open-env.js');
  const { SweepLease } = require('../../dist/stores/lmdb/sweep-lease.js');
  const { sweepPass } = require('../../dist/stores/lmdb/sweep-pass.js');
  const ways = {
    'piscina worker (LmdbStore)': (store) => store.sweep(),
    'main thread (fallback)': async (store, dir) => {
      const env = openLmdbEnvironment({ path: dir, durability: 'background', mapSize: undefined });
      try {
        return await sweepPass(env, new SweepLease(env, 5000), sweepBatchSize, () => false);
      } finally {
        await env.root.close();
      }
    },
  };
  const samples = new Map(Object.keys(ways).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, sweep] of Object.entries(ways)) {
      const dir = tempDir();
      const store = new session.LmdbStore({ path: dir, sweepInterval: 0, sweepBatchSize });
      const fast = store[FAST_STORE];
      const now = Date.now();
      for (let start = 0; start < count; start += 5000) {
        const writes = [];
        for (let i = start; i < Math.min(count, start + 5000); i++) writes.push(fast.writeJSON(sidOf(i), '{"cookie":{},"n":1}', i % 2 ? now - 1 : now + DAY));
        await Promise.all(writes);
      }
      const before = performance.eventLoopUtilization();
      const started = performance.now();
      const result = await sweep(store, dir);
      const wallMs = performance.now() - started;
      const busyMs = performance.eventLoopUtilization(before).active;
      if (result?.removed !== count / 2) throw new Error(`${name} removed ${result?.removed}, expected ${count / 2}`);
      samples.get(name).push({ wallMs, busyMs });
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [...samples].map(([name, list]) => ({
    name,
    count,
    sweepBatchSize,
    wallMs: median(list.map((s) => s.wallMs)),
    busyMs: median(list.map((s) => s.busyMs)),
    rounds: list.length,
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--sweep')) {
  for (const r of await measureSweep()) {
    console.log(
      `${r.name.padEnd(28)} ${r.count} sessions, half expired, batches of ${r.sweepBatchSize}: ` +
        `pass ${r.wallMs.toFixed(0)} ms, main thread busy ${r.busyMs.toFixed(1)} ms (median of ${r.rounds})`,
    );
  }
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const group of await run({ quick: process.argv.includes('--quick') })) console.log(`\n${renderMicroGroup(group)}`);
}
