// bench/standalone/user-index.mjs — what the per-user index (userKey) and the merge
// on save cost a save that does not change the user: the middleware's fast
// write of a loaded session, nobody else writing, on MemoryStore and LmdbStore.
// Variants, interleaved round by round (A/B/C/A/B/C…), medians over rounds:
//   plain   writeJSON(sid, json, expiresAt)            (a foreign-style upsert, the cost before issue 16)
//   merge   writeJSON(sid, json, expiresAt, baseData)  (the middleware's save now, no userKey)
//   userKey the same with the store's userKey option   (the user field is unchanged)
// Imports the BUILT package: run `npm run build` first.
//
//   node bench/standalone/user-index.mjs [--rounds N]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const session = require('../../dist/index.js');
const { FAST_STORE } = require('../../dist/stores/fast-store.js');
const { dataPartOf } = require('../../dist/format/data-part.js');

const argRounds = process.argv.indexOf('--rounds');
const ROUNDS = argRounds > 0 ? Number(process.argv[argRounds + 1]) : 15;
const SESSIONS = 1000;
const BATCH = 64;
const OPS_PER_ROUND = { MemoryStore: 20_000, LmdbStore: 6_400 };
const expires = Date.now() + 86_400_000;

function sessionJSON(i, views) {
  return JSON.stringify({
    cookie: { originalMaxAge: 86_400_000, expires: new Date(expires).toISOString(), secure: false, httpOnly: true, path: '/' },
    userId: `user-${i % 100}`,
    views,
    cart: { items: [{ sku: 'A-' + i, qty: 1 }], total: 12.5 },
  });
}

const dirs = [];
function makeStore(kind, userKey) {
  const options = userKey ? { userKey: 'userId' } : {};
  if (kind === 'MemoryStore') return new session.MemoryStore({ sweepInterval: 0, ...options });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-user-index-'));
  dirs.push(dir);
  return new session.LmdbStore({ path: dir, sweepInterval: 0, ...options });
}

/** One timed run: OPS saves, each of a loaded session with its views bumped; ns per save. */
async function run(kind, fast, withBase, views) {
  const ops = OPS_PER_ROUND[kind];
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops; done += BATCH) {
    let last;
    for (let j = 0; j < BATCH; j++) {
      const i = (done + j) % SESSIONS;
      const loaded = fast.readJSON('sid-' + i);
      const base = withBase ? dataPartOf(loaded) : undefined;
      last = fast.writeJSON('sid-' + i, sessionJSON(i, views), expires, base);
    }
    if (last instanceof Promise) await last;
  }
  return Number(process.hrtime.bigint() - start) / ops;
}

const VARIANTS = [
  { name: 'plain', userKey: false, base: false },
  { name: 'merge', userKey: false, base: true },
  { name: 'userKey', userKey: true, base: true },
];

for (const kind of ['MemoryStore', 'LmdbStore']) {
  const stores = VARIANTS.map((v) => makeStore(kind, v.userKey));
  for (const store of stores) {
    const fast = store[FAST_STORE];
    for (let i = 0; i < SESSIONS; i++) await fast.writeJSON('sid-' + i, sessionJSON(i, 0), expires);
  }
  const samples = VARIANTS.map(() => []);
  for (let round = -2; round < ROUNDS; round++) {
    // Rotate the order each round so no variant always runs first (warm-up rounds are dropped).
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = (k + Math.max(round, 0)) % VARIANTS.length;
      const ns = await run(kind, stores[v][FAST_STORE], VARIANTS[v].base, round + 10);
      if (round >= 0) samples[v].push(ns);
    }
  }
  const medians = samples.map(median);
  const paired = (v) => median(samples[v].map((ns, r) => ns / samples[0][r]));
  const pairedUser = median(samples[2].map((ns, r) => ns / samples[1][r]));
  console.log(`${kind}: ns per save, median of ${ROUNDS} rounds`);
  VARIANTS.forEach((v, i) => console.log(`  ${v.name.padEnd(8)} ${medians[i].toFixed(0).padStart(6)} ns  (x${paired(i).toFixed(2)} of plain)`));
  console.log(`  userKey / merge, paired median: x${pairedUser.toFixed(3)}`);
  for (const store of stores) await store.close?.();
}
for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
