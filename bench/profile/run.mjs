// Per-stage cost profile of the warm, pinned servers (issue 14's method):
// bare Express, express-session and wasm-session + MemoryStore, each pinned
// to core 0 and loaded by wrk on core 1, warmed first, then profiled in
// interleaved windows. For each window: CPU µs per request (/proc), the
// inspector's CPU profile (self time per function and per stage, divided by
// the requests), GC time and bytes allocated per request (v8.GCProfiler).
// Imports the BUILT package: run `npm run build` first.
//
//   node bench/profile/run.mjs [--scenario read-modify] [--rounds 3] [--window 3] [--warmup 5]
//                              [--top 25] [--out DIR] [--json] [--allocations]
//
// --allocations also runs the sampling heap profiler (objects collected later
// included) in each window: bytes allocated per request by function and stage.
// It slows the server, so take CPU figures from a run without it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, sendHttp } from '../e2e/http-load.mjs';
import { chooseLoadGenerator } from '../e2e/load-generator.mjs';
import { contenderById, isSessionless } from '../lib/contenders.mjs';
import { isSessionStage, selfTimeByFunction, selfTimeByStage, sumByStage } from '../lib/cpu-profile.mjs';
import { allocationByFunction } from '../lib/heap-profile.mjs';
import { formatAmount } from '../lib/format.mjs';
import { httpScenarioById } from '../lib/http-scenarios.mjs';
import { renderMarkdownTable } from '../lib/markdown-table.mjs';
import { SERVER_CPU } from '../lib/pinning.mjs';
import { clockTicksPerSecond, cpuUsPerRequest, readCpuTicks } from '../lib/proc-cpu.mjs';
import { rotate } from '../lib/rounds.mjs';
import { preCreateSessions } from '../lib/session-cookies.mjs';
import { mergeWindows } from './merge.mjs';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'read-modify' },
    contenders: { type: 'string', default: 'bare,express-session,ours-memory' },
    rounds: { type: 'string', default: '3' },
    window: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    top: { type: 'string', default: '25' },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
    allocations: { type: 'boolean', default: false },
  },
  strict: true,
});
const scenario = httpScenarioById(values.scenario);
const contenderIds = values.contenders.split(',');
const rounds = Number(values.rounds);
const windowS = Number(values.window);
const warmupS = Number(values.warmup);
const connections = Number(values.connections);
const SERVER = new URL('./profile-server.mjs', import.meta.url).href;

const loadGenerator = chooseLoadGenerator();
if (loadGenerator.note) console.error(`note: ${loadGenerator.note}`);
const servers = new Map();
const cookies = new Map();
try {
  for (const id of contenderIds) {
    contenderById(id);
    servers.set(id, await startServer(SERVER, [id, isSessionless(id) ? 'default' : scenario.config], { cpu: SERVER_CPU }));
  }
  for (const id of contenderIds) {
    if (isSessionless(id)) continue;
    const server = servers.get(id);
    cookies.set(id, (await preCreateSessions((r) => sendHttp(server.port, r), 1, { expectSessions: true }))[0]);
  }
  const cookieOf = (id) => (scenario.sendsCookie ? cookies.get(id) ?? [...cookies.values()][0] : undefined);
  const url = (id) => `http://127.0.0.1:${servers.get(id).port}${scenario.path}`;

  for (const id of contenderIds) {
    console.error(`warming ${id} for ${warmupS} s`);
    await loadGenerator.burst({ url: url(id), connections, durationS: warmupS, cookie: cookieOf(id) });
  }
  const windows = new Map(contenderIds.map((id) => [id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const id of rotate(contenderIds, round)) {
      const server = servers.get(id);
      await server.ask('profile-start', { allocations: values.allocations });
      const ticksBefore = readCpuTicks(server.pid);
      const { requests: servedBefore } = await server.stats();
      const burst = await loadGenerator.burst({ url: url(id), connections, durationS: windowS, cookie: cookieOf(id) });
      const ticksAfter = readCpuTicks(server.pid);
      const { requests: servedAfter } = await server.stats();
      const cpuProfilePath = values.out ? path.resolve(values.out, `${id}-${scenario.id}-round${round + 1}.cpuprofile`) : undefined;
      if (cpuProfilePath) mkdirSync(path.dirname(cpuProfilePath), { recursive: true });
      const stopped = await server.ask('profile-stop', { cpuProfilePath });
      const requests = servedAfter - servedBefore;
      const window = {
        requests,
        reqPerSec: burst.reqPerSec,
        cpuUsPerReq: cpuUsPerRequest(ticksBefore, ticksAfter, requests, clockTicksPerSecond()),
        gcUsPerReq: stopped.gcUs / requests,
        gcCount: stopped.gcCount,
        bytesPerReq: stopped.allocatedBytes / requests,
        functions: selfTimeByFunction(stopped.profile).map((f) => ({ ...f, usPerReq: f.selfUs / requests })),
      };
      window.stages = selfTimeByStage(window.functions).map((s) => ({ ...s, usPerReq: s.selfUs / requests }));
      if (stopped.heapProfile) {
        window.allocations = allocationByFunction(stopped.heapProfile).map((f) => ({ ...f, bytesPerReq: f.bytes / requests }));
        window.allocationStages = sumByStage(window.allocations, 'bytesPerReq');
      }
      windows.get(id).push(window);
      console.error(
        `round ${round + 1}/${rounds} ${id}: ${formatAmount(window.reqPerSec)} req/s, ${formatAmount(window.cpuUsPerReq)} CPU µs/req, ` +
          `GC ${formatAmount(window.gcUsPerReq)} µs/req, ${formatAmount(window.bytesPerReq)} B/req allocated`,
      );
    }
  }
  const merged = mergeWindows(windows);
  if (values.json) console.log(JSON.stringify(merged, null, 2));
  else console.log(renderProfile(merged));
} finally {
  await Promise.all([...servers.values()].map((s) => s.stop()));
}

function renderProfile(merged) {
  const ids = [...merged.keys()];
  const title = (id) => contenderById(id).title;
  const out = [];
  out.push(`Scenario: ${scenario.title}; ${rounds} interleaved windows of ${windowS} s per contender after ${warmupS} s warm-up; medians over windows.`);
  out.push(
    renderMarkdownTable(
      ['per request', ...ids.map(title)],
      [
        ['req/s (profiler on)', ...ids.map((id) => formatAmount(merged.get(id).reqPerSec))],
        ['server CPU µs (/proc)', ...ids.map((id) => formatAmount(merged.get(id).cpuUsPerReq))],
        ['GC µs (v8.GCProfiler)', ...ids.map((id) => formatAmount(merged.get(id).gcUsPerReq))],
        ['bytes allocated', ...ids.map((id) => formatAmount(merged.get(id).bytesPerReq))],
      ],
    ),
  );
  const stages = [...new Set(ids.flatMap((id) => merged.get(id).stages.map((s) => s.stage)))];
  const stageOf = (id, stage) => merged.get(id).stages.find((s) => s.stage === stage)?.usPerReq ?? 0;
  stages.sort((a, b) => stageOf(ids.at(-1), b) - stageOf(ids.at(-1), a));
  const others = ids.filter((id) => id !== 'bare');
  const overBare = ids.includes('bare') ? others : [];
  // Session-layer tables only for contenders that run a session middleware.
  const withSession = ids.filter((id) => !isSessionless(id));
  const fmtDiff = (value) => (value >= 0 ? `+${formatAmount(value)}` : formatAmount(value));
  out.push('Profile self time per stage, µs per request (idle: waiting for the next request; not CPU):');
  out.push(
    renderMarkdownTable(
      ['stage', ...ids.map(title), ...overBare.map((id) => `${title(id)} − bare`)],
      stages.map((stage) => [
        stage,
        ...ids.map((id) => formatAmount(stageOf(id, stage))),
        ...overBare.map((id) => fmtDiff(stageOf(id, stage) - stageOf('bare', stage))),
      ]),
    ),
  );
  if (ids.every((id) => merged.get(id).allocations)) {
    const allocStages = [...new Set(ids.flatMap((id) => merged.get(id).allocationStages.map((s) => s.stage)))];
    const bytesOf = (id, stage) => merged.get(id).allocationStages.find((s) => s.stage === stage)?.bytesPerReq ?? 0;
    allocStages.sort((a, b) => bytesOf(ids.at(-1), b) - bytesOf(ids.at(-1), a));
    out.push('Bytes allocated per request by stage (sampling heap profiler, 1 KiB interval, collected objects included):');
    out.push(
      renderMarkdownTable(
        ['stage', ...ids.map(title), ...overBare.map((id) => `${title(id)} − bare`)],
        [
          ['total (sampled)', ...ids.map((id) => formatAmount(merged.get(id).allocationStages.reduce((sum, s) => sum + s.bytesPerReq, 0))), ...overBare.map(() => '')],
          ...allocStages.map((stage) => [
            stage,
            ...ids.map((id) => formatAmount(bytesOf(id, stage))),
            ...overBare.map((id) => fmtDiff(bytesOf(id, stage) - bytesOf('bare', stage))),
          ]),
        ],
      ),
    );
    for (const id of withSession) {
      out.push(`Session-layer allocation sites, ${title(id)} (bytes per request, median over windows; down to 8 B):`);
      out.push(
        renderMarkdownTable(
          ['function', 'where', 'stage', 'B/req'],
          merged
            .get(id)
            .allocations.filter((f) => isSessionStage(f.stage) && f.bytesPerReq >= 8)
            .map((f) => [f.name, f.url ? `${shortUrl(f.url)}:${f.line}` : '', f.stage, formatAmount(f.bytesPerReq)]),
          ['left', 'left', 'left', 'right'],
        ),
      );
    }
  }
  for (const id of withSession) {
    out.push(`Session-layer functions, ${title(id)} (self µs per request, median over windows; every one down to 0.1 µs):`);
    out.push(
      renderMarkdownTable(
        ['function', 'where', 'stage', 'µs/req'],
        merged
          .get(id)
          .functions.filter((f) => isSessionStage(f.stage) && f.usPerReq >= 0.1)
          .map((f) => [f.name, f.url ? `${shortUrl(f.url)}:${f.line}` : '', f.stage, formatAmount(f.usPerReq)]),
        ['left', 'left', 'left', 'right'],
      ),
    );
  }
  for (const id of ids) {
    out.push(`Heaviest functions, ${title(id)} (self µs per request, median over windows):`);
    out.push(
      renderMarkdownTable(
        ['function', 'where', 'stage', 'µs/req'],
        merged
          .get(id)
          .functions.slice(0, Number(values.top))
          .map((f) => [f.name, f.url ? `${shortUrl(f.url)}:${f.line}` : '', f.stage, formatAmount(f.usPerReq)]),
        ['left', 'left', 'left', 'right'],
      ),
    );
  }
  return out.join('\n\n');
}

/** CPU profiles name files as file:// URLs, heap profiles as plain paths: both become package- or repo-relative. */
function shortUrl(url) {
  return url.replace(/^(?:file:\/\/)?\/.*?\/node_modules\//, '').replace(/^(?:file:\/\/)?\/.*\/(dist|bench)\//, '$1/');
}
