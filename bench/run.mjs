// `npm run bench` (builds first, then runs this). Runs every section against
// the reference, prints progress and the tables, and writes
// bench/results/<date>.md + .svg (+ .json, every sample) and latest.md + latest.svg.
// `npm run bench -- --quick`: ~1 minute smoke run (CI), written to <date>-quick.*.
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CLUSTER_SCENARIOS, runCluster } from './e2e/cluster.mjs';
import { runRedis } from './e2e/redis.mjs';
import { redisServerInstalled } from './e2e/redis-server.mjs';
import { runHttp } from './e2e/run.mjs';
import { runInProcess } from './inprocess/run.mjs';
import { parseBenchArgs } from './lib/args.mjs';
import { renderResultsChart } from './lib/chart.mjs';
import { availableContenders, contenderById, measuredInProcess, REFERENCE_ID } from './lib/contenders.mjs';
import { loadSettings } from './lib/load-settings.mjs';
import { describeMachine } from './lib/machine.mjs';
import { runMicro } from './lib/micro.mjs';
import { renderReport } from './lib/report.mjs';
import { HTTP_SCENARIOS } from './lib/http-scenarios.mjs';
import { SCENARIOS } from './lib/scenarios.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { runScale } from './scale/run.mjs';
import { updateReadme } from './lib/readme-block.mjs';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const argv = process.argv.slice(2);
const { quick, sections, partial } = parseBenchArgs(argv);
const settings = loadSettings(quick);
const log = (line) => console.log(line);
const started = performance.now();
const machine = describeMachine();
const { contenders, notes } = availableContenders();
const failures = [];

/** Runs one section; a failure is reported and the other sections still run. */
async function section(id, title, body) {
  if (!sections.has(id)) return undefined;
  log(`\n== ${title} ==`);
  const sectionStarted = performance.now();
  try {
    return await body();
  } catch (err) {
    log(`[${id}] FAILED: ${err?.stack ?? err}`);
    failures.push({ section: title, message: String(err?.message ?? err) });
    return undefined;
  } finally {
    log(`[${id}] ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s`);
  }
}

log(`wasm-session benchmarks${quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
for (const note of notes) log(`note: ${note}`);

const micro = await section('micro', 'micro benchmarks', () => runMicro({ quick, log }));
for (const failure of micro?.failures ?? []) failures.push({ section: `micro ${failure.file}`, message: failure.message });
const inProcess = await section('inprocess', 'end to end, in process', () =>
  runInProcess({ contenders: contenders.filter(measuredInProcess), settings: settings.inProcess, log }),
);
const http = await section('http', 'end to end, real HTTP (pinned)', () => runHttp({ contenders, settings: settings.http, log }));
for (const note of http?.notes ?? []) notes.push(`real HTTP: ${note}`);
const lmdb = contenders.find((c) => c.id === 'ours-lmdb');
// --quick skips the redis, cluster and scale sections to stay within its minute; a full run or --only measures them.
const skippedByQuick = quick && !partial;
if (skippedByQuick) notes.push('--quick skips the redis, cluster and scale sections (a full run, or --only=redis,cluster,scale, measures them).');
const redis = skippedByQuick ? undefined : await section('redis', 'RedisStore, real HTTP (pinned)', async () => {
  if (!redisServerInstalled()) {
    notes.push('RedisStore section skipped: redis-server is not installed (Debian package `redis-server`).');
    return undefined;
  }
  return runRedis({ settings: settings.redis, log });
});
for (const note of redis?.notes ?? []) notes.push(`RedisStore on real HTTP: ${note}`);
const cluster = skippedByQuick ? undefined : await section('cluster', 'LmdbStore cluster', async () => {
  if (!lmdb) {
    notes.push('LmdbStore cluster section skipped: the built package does not export LmdbStore yet.');
    return undefined;
  }
  return runCluster({ storeContender: lmdb, referenceContender: contenderById(REFERENCE_ID), settings: settings.cluster, log });
});
const scale = skippedByQuick ? undefined : await section('scale', 'scale', () => runScale({ quick, settings: settings.scale, log }));

const results = {
  date: localDate(new Date()),
  quick,
  command: argv.length > 0 ? `npm run bench -- ${argv.join(' ')}` : 'npm run bench',
  durationS: (performance.now() - started) / 1000,
  machine,
  settings,
  notes,
  failures,
  micro,
  inProcess,
  http,
  redis,
  cluster,
  scale,
  targets: evaluateTargets({ inprocess: inProcess?.summaries, http: http?.summaries, redis: redis?.summaries }),
};

const chart = renderResultsChart({
  title: `wasm-session vs express-session: throughput ratios (${results.date}${quick ? ', quick' : ''})`,
  subtitle: `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; medians of interleaved rounds; 1.00x = express-session + MemoryStore`,
  loadSections: [
    inProcess && { title: 'End to end, in process (light-my-request): req/s relative to express-session', scenarios: SCENARIOS, summaries: inProcess.summaries },
    http && { title: `End to end, real HTTP (${http.loadGenerator}, server and load generator pinned): req/s relative to express-session`, scenarios: HTTP_SCENARIOS, summaries: http.summaries },
    cluster && { title: 'LmdbStore cluster vs one process, real HTTP: req/s relative to express-session', scenarios: CLUSTER_SCENARIOS, summaries: cluster.summaries },
  ].filter(Boolean),
  microGroups: micro?.files.flatMap((file) => file.groups) ?? [],
});

log('\n');
if (partial) {
  log(renderReport(results, null));
  log('(--only: partial run, no result files written)');
} else {
  const stem = quick ? `${results.date}-quick` : results.date;
  mkdirSync(RESULTS_DIR, { recursive: true });
  const raw = toJson(results);
  writeFileSync(`${RESULTS_DIR}${stem}.svg`, chart);
  writeFileSync(`${RESULTS_DIR}${stem}.md`, renderReport(results, `${stem}.svg`));
  writeFileSync(`${RESULTS_DIR}${stem}.json`, raw);
  const written = [`bench/results/${stem}.md`, `bench/results/${stem}.svg`, `bench/results/${stem}.json`];
  // The README shows latest.*: only a full run may replace it.
  if (!quick) {
    writeFileSync(`${RESULTS_DIR}latest.svg`, chart);
    writeFileSync(`${RESULTS_DIR}latest.md`, renderReport(results, 'latest.svg'));
    written.push('bench/results/latest.md', 'bench/results/latest.svg');
    if (updateReadme()) written.push('README.md (bench block)');
  }
  log(renderReport(results, null));
  log(`written: ${written.join(', ')}`);
}
if (failures.length > 0) {
  log(`${failures.length} section(s) failed: ${failures.map((f) => f.section).join(', ')}`);
  process.exitCode = 1;
}

/** Every figure including the per-round samples, for comparing runs later (Maps become objects). */
function toJson(value) {
  return `${JSON.stringify(value, (_key, v) => (v instanceof Map ? Object.fromEntries(v) : v), 2)}\n`;
}

function localDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
