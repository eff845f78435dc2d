// bench/micro/memory-store.mjs — a session's store work per request, get then
// set of the same session, against express-session's MemoryStore (baseline)
// and memorystore: through the public callback API (one request at a time,
// and 64 requests in flight), and through the synchronous fast access the
// middleware uses with our stores. Imports the BUILT package: run
// `npm run build` first.
//
//   node bench/micro/memory-store.mjs [--quick]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { measureMicroGroups } from '../lib/micro-rounds.mjs';
import { sessionOf, storeRoundTrips } from '../lib/store-round-trips.mjs';

const require = createRequire(import.meta.url);
const session = require('../../dist/index.js');
const { FAST_STORE } = require('../../dist/stores/fast-store.js');
const expressSession = require('express-session');
const MemoryStoreFactory = require('memorystore');

/** Round trips per timed call, so tinybench's per-sample overhead stays small next to the work. */
const BATCH = 64;
const SESSIONS = 1000;
const DAY = 86_400_000;
const { sidOf, nextSid, sequential, concurrent } = storeRoundTrips({ prefix: 'mb', sessions: SESSIONS, batch: BATCH });

function createStores() {
  const ReferenceMemoryStore = expressSession.MemoryStore;
  const MemoryStoreLru = MemoryStoreFactory(expressSession);
  const stores = {
    reference: new ReferenceMemoryStore(),
    memorystore: new MemoryStoreLru({ checkPeriod: DAY }),
    ours: new session.MemoryStore(),
  };
  for (const store of Object.values(stores)) {
    for (let i = 0; i < SESSIONS; i++) store.set(sidOf(i), sessionOf(i), () => {});
  }
  return stores;
}

/** What the middleware does with our store: read the text, parse it, serialise the changed session, write the text. */
const fastRoundTrip = (fast) => () => {
  for (let i = 0; i < BATCH; i++) {
    const sid = nextSid();
    const sess = JSON.parse(fast.readJSON(sid));
    sess.views++;
    fast.writeJSON(sid, JSON.stringify(sess), Date.parse(sess.cookie.expires));
  }
};

/** The store alone: text in, text out. */
const fastTextOnly = (fast) => () => {
  for (let i = 0; i < BATCH; i++) {
    const sid = nextSid();
    fast.writeJSON(sid, fast.readJSON(sid), NaN);
  }
};

function groups(stores) {
  const fast = stores.ours[FAST_STORE];
  const REF = 'express-session MemoryStore';
  return [
    {
      group: 'get+set round trip, callback API, one at a time',
      baseline: REF,
      contenders: [
        [REF, sequential(stores.reference)],
        ['memorystore', sequential(stores.memorystore)],
        ['wasm-session MemoryStore', sequential(stores.ours)],
      ],
    },
    {
      group: 'get+set round trip, callback API, 64 in flight',
      baseline: REF,
      contenders: [
        [REF, concurrent(stores.reference)],
        ['memorystore', concurrent(stores.memorystore)],
        ['wasm-session MemoryStore', concurrent(stores.ours)],
      ],
    },
    {
      group: 'get+set round trip, fast access (as the middleware calls it)',
      baseline: REF,
      contenders: [
        [REF, sequential(stores.reference)],
        ['wasm-session fast access + JSON.parse/stringify', fastRoundTrip(fast)],
        ['wasm-session fast access, text only', fastTextOnly(fast)],
      ],
    },
  ];
}

export async function run({ quick = false } = {}) {
  const stores = createStores();
  try {
    return await measureMicroGroups(groups(stores), { rounds: quick ? 2 : 9, time: quick ? 40 : 250, batch: BATCH });
  } finally {
    stores.memorystore.stopInterval();
    stores.ours.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const groupsOut = await run({ quick: process.argv.includes('--quick') });
  for (const { group, baseline, results } of groupsOut) {
    const base = results.find((r) => r.name === baseline);
    console.log(`\n${group}`);
    for (const r of results) {
      console.log(`  ${r.name.padEnd(52)} ${(r.meanNs.toFixed(0) + ' ns').padStart(10)}  ${(r.hz / base.hz).toFixed(2).padStart(7)}x  (${r.rounds} rounds)`);
    }
  }
}
