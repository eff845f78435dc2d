// bench/scale/memory.mjs — memory and get latency of the in-process stores
// after loading N sessions: express-session's MemoryStore, memorystore and
// ours, each size in a fresh child process so heap and RSS belong to one
// store. For ours it also times the background sweep's ticks over N expired
// sessions. Imports the BUILT package: run `npm run build` first.
//
//   node bench/scale/memory.mjs [--quick]          (quick: 100k sessions; full: 100k and 1M)
//   node --expose-gc bench/scale/memory.mjs --child <store> <sessions> <gets>   (one measurement, JSON on stdout)
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { percentileOfSorted as percentile } from '../lib/stats.mjs';
import { fillAndMeasure, sessionOf, sidOf } from './fill-and-measure.mjs';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
const DAY = 86_400_000;

/** Our store is sized to hold a million sessions without evicting, so all three hold the same data. */
const OURS_MAX_BYTES = 1024 * MB;

const STORES = {
  'express-session': {
    title: 'express-session MemoryStore',
    create: () => ({ store: new (require('express-session').MemoryStore)(), close() {} }),
  },
  memorystore: {
    title: 'memorystore',
    create() {
      const store = new (require('memorystore')(require('express-session')))({ checkPeriod: DAY });
      return { store, close: () => store.stopInterval() };
    },
  },
  'wasm-session': {
    title: 'wasm-session MemoryStore',
    create() {
      const store = new (require('../../dist/index.js').MemoryStore)({ maxBytes: OURS_MAX_BYTES });
      return { store, close: () => store.close() };
    },
  },
};

async function measureChild(storeId, sessions, gets) {
  const definition = STORES[storeId];
  if (!definition) throw new Error(`unknown store "${storeId}"`);
  if (typeof globalThis.gc !== 'function') throw new Error('the child needs --expose-gc');
  const { store, close } = definition.create();

  // The heap before the fill, so the row can show what the sessions themselves cost.
  globalThis.gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const { heapUsedMB, rssMB, p99GetUs } = await fillAndMeasure(store, { sessions, gets });

  const row = {
    store: definition.title,
    sessions,
    heapUsedMB,
    heapGrowthMB: heapUsedMB - heapBefore / MB,
    rssMB,
    p99GetUs,
  };
  if (storeId === 'wasm-session') Object.assign(row, measureSweepTicks(store, sessions));
  await close();
  return row;
}

/** Expires every stored session, then times the sweep's ticks (one shard, one budget each) until none is left. */
function measureSweepTicks(store, sessions) {
  const { FAST_STORE } = require('../../dist/stores/fast-store.js');
  const { SWEEP_BUDGET } = require('../../dist/stores/memory/sweeper.js');
  const fast = store[FAST_STORE];
  const engine = store.engine;
  const stats = store.stats();
  if (stats.evictions !== 0 || stats.entries !== sessions) throw new Error(`the store evicted: ${JSON.stringify(stats)}`);
  store.stopSweeping();
  const soon = Date.now();
  for (let i = 0; i < sessions; i++) fast.touch(sidOf(i), JSON.stringify(sessionOf(i)), soon);
  const ticks = [];
  for (let shard = 0; store.stats().entries > 0; shard = (shard + 1) % engine.shards) {
    const started = performance.now();
    engine.sweep(shard, Date.now(), SWEEP_BUDGET);
    ticks.push((performance.now() - started) * 1000);
  }
  ticks.sort((a, b) => a - b);
  return {
    sweepTicks: ticks.length,
    medianSweepTickUs: percentile(ticks, 50),
    p99SweepTickUs: percentile(ticks, 99),
    // Wall clock: on a shared machine the maximum includes the process being preempted mid-tick.
    maxSweepTickUs: ticks[ticks.length - 1],
  };
}

const run_ = promisify(execFile);

/** One child process per store and size; rows in the order stores × sizes. */
export async function run({ quick = false } = {}) {
  const sizes = quick ? [100_000] : [100_000, 1_000_000];
  const gets = quick ? 2_000 : 20_000;
  const rows = [];
  for (const sessions of sizes) {
    for (const storeId of Object.keys(STORES)) {
      const { stdout } = await run_(process.execPath, ['--expose-gc', SELF, '--child', storeId, String(sessions), String(gets)], {
        timeout: 600_000,
        maxBuffer: MB,
      });
      rows.push(JSON.parse(stdout.trim().split('\n').pop()));
    }
  }
  return rows;
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

if (process.argv[1] === SELF) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const row = await measureChild(argv[1], Number(argv[2]), Number(argv[3]));
    process.stdout.write(`${JSON.stringify(row)}\n`);
  } else {
    const rows = await run({ quick: argv.includes('--quick') });
    console.log(
      `${'store'.padEnd(30)} ${'sessions'.padStart(9)} ${'heap MB'.padStart(8)} ${'+heap MB'.padStart(9)} ${'RSS MB'.padStart(8)} ${'RSS/ref'.padStart(8)} ${'p99 get µs'.padStart(11)} ${'sweep tick µs median/p99/max'.padStart(30)}`,
    );
    for (const row of rows) {
      const ref = rows.find((r) => r.sessions === row.sessions && r.store === STORES['express-session'].title);
      console.log(
        `${row.store.padEnd(30)} ${String(row.sessions).padStart(9)} ${fmt(row.heapUsedMB).padStart(8)} ${fmt(row.heapGrowthMB).padStart(9)} ${fmt(row.rssMB).padStart(8)} ${fmt(row.rssMB / ref.rssMB, 2).padStart(8)} ${fmt(row.p99GetUs).padStart(11)} ${(row.sweepTicks ? `${fmt(row.medianSweepTickUs, 0)}/${fmt(row.p99SweepTickUs, 0)}/${fmt(row.maxSweepTickUs, 0)}` : '—').padStart(30)}`,
      );
    }
  }
}
