// bench/inprocess/lmdb.mjs: issue 5's LmdbStore targets, end to end in process.
// The shared app (bench/lib/app.mjs) driven by light-my-request loops, for
// bare Express, express-session + MemoryStore and wasm-session + LmdbStore
// (one contender per durability asked for), and wasm-session + MemoryStore
// as the floor of our middleware's own cost, in interleaved rounds with the
// order rotated each round. Reports medians and paired per-round ratios.
// Imports the BUILT package: run `npm run build` first.
//
//   node bench/inprocess/lmdb.mjs [--rounds 7] [--connections 10] [--ms 800]
//                           [--scenario read-modify] [--durability commit,none]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureInProcess } from './run.mjs';
import { loadBuiltPackage, requireFromRoot } from '../lib/packages.mjs';
import { runInterleaved } from '../lib/rounds.mjs';
import { scenarioById } from '../lib/scenarios.mjs';
import { median, medianPairedRatio } from '../lib/stats.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    connections: { type: 'string', default: '10' },
    ms: { type: 'string', default: '800' },
    warmup: { type: 'string', default: '300' },
    scenario: { type: 'string', default: 'read-modify' },
    durability: { type: 'string', default: 'default' },
  },
  strict: true,
});
const settings = {
  rounds: Number(values.rounds),
  connections: Number(values.connections),
  durationMs: Number(values.ms),
  warmupMs: Number(values.warmup),
};
const scenarios = values.scenario.split(',').map(scenarioById);
const COMMON = { secret: 'bench secret', resave: false, saveUninitialized: false };

function lmdbContender(durability) {
  return {
    id: `lmdb-${durability}`,
    title: `wasm-session + LmdbStore (${durability})`,
    create() {
      const session = loadBuiltPackage();
      const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-lmdb-'));
      const store = new session.LmdbStore(durability === 'default' ? { path: dir } : { path: dir, durability });
      return {
        middleware: session({ ...COMMON, store }),
        async close() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}

const contenders = [
  { id: 'bare', title: 'bare Express', create: () => ({ middleware: null, close() {} }) },
  {
    id: 'express-session',
    title: 'express-session + MemoryStore',
    create() {
      const expressSession = requireFromRoot('express-session');
      return { middleware: expressSession({ ...COMMON, store: new expressSession.MemoryStore() }), close() {} };
    },
  },
  // Our middleware on its in-process store: the floor LmdbStore's own cost adds to.
  {
    id: 'ours-memory',
    title: 'wasm-session + MemoryStore',
    create() {
      const session = loadBuiltPackage();
      const store = new session.MemoryStore();
      return { middleware: session({ ...COMMON, store }), close: () => store.close?.() };
    },
  },
  ...values.durability.split(',').map(lmdbContender),
];

const samples = await runInterleaved({
  rounds: settings.rounds,
  scenarios,
  contenders,
  measure: (contender, scenario) => measureInProcess(contender, scenario, settings),
  onScenarioDone: (round, scenario, thisRound) =>
    console.log(
      `round ${round + 1}/${settings.rounds} ${scenario.id}: ` +
        [...thisRound].map(([id, s]) => `${id} ${Math.round(s.reqPerSec)}/s${s.errors ? ` (${s.errors} errors)` : ''}`).join(', '),
    ),
});

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
for (const scenario of scenarios) {
  const byContender = samples.get(scenario.id);
  const series = (id, key) => byContender.get(id).map((s) => s[key]);
  console.log(`\n${scenario.title}: ${settings.connections} loops, ${settings.rounds} rounds of ${settings.durationMs} ms, medians`);
  console.log('| contender | req/s | p50 | p99 | CPU/req | vs bare | vs express-session |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { id, title } of contenders) {
    const rps = series(id, 'reqPerSec');
    console.log(
      `| ${title} | ${fmt(median(rps))} | ${fmt(median(series(id, 'p50Ms')), 2)} ms | ${fmt(median(series(id, 'p99Ms')), 2)} ms | ` +
        `${fmt(median(series(id, 'cpuUsPerReq')))} µs | ${fmt(medianPairedRatio(rps, series('bare', 'reqPerSec')), 2)}x | ` +
        `${fmt(medianPairedRatio(rps, series('express-session', 'reqPerSec')), 2)}x |`,
    );
  }
}
