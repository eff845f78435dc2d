// An experiment, not part of `npm run bench`: does the moment the response is
// written change the server's CPU per request over real HTTP? Runs
// wasm-session + MemoryStore as shipped (each response written inside its
// request's turn) against the same store with its writes completing one
// setImmediate later, interleaved, fresh server process per measurement.
// Build first (`npm run build`), then:
//
//   node bench/experiments/write-timing.mjs [rounds] [scenario]     (defaults: 3, read-modify)
import { measureServer } from '../e2e/run.mjs';
import { scenarioById } from '../lib/scenarios.mjs';
import { median, medianPairedRatio } from '../lib/stats.mjs';

const SERVER = new URL('./write-timing-server.mjs', import.meta.url).href;
const rounds = Number(process.argv[2] ?? 3);
const scenario = scenarioById(process.argv[3] ?? 'read-modify');
const settings = { connections: 10, warmupS: 1, durationS: 3 };

const samples = { sync: [], deferred: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? ['sync', 'deferred'] : ['deferred', 'sync'];
  for (const variant of order) samples[variant].push(await measureServer(SERVER, [variant, scenario.id], scenario, settings, true));
}

console.log(`${scenario.title}, ${rounds} interleaved round(s) of ${settings.durationS} s, 10 connections, medians:`);
for (const [variant, list] of Object.entries(samples)) {
  const cpu = median(list.map((s) => s.cpuUsPerReq));
  const rps = median(list.map((s) => s.reqPerSec));
  console.log(`  ${variant.padEnd(9)} ${rps.toFixed(0).padStart(6)} req/s  ${cpu.toFixed(1).padStart(6)} server CPU µs/req`);
}
const cpuRatio = medianPairedRatio(
  samples.sync.map((s) => s.cpuUsPerReq),
  samples.deferred.map((s) => s.cpuUsPerReq),
);
console.log(`  server CPU per request, sync ÷ deferred (median of rounds): ${cpuRatio.toFixed(2)}x`);
