// Real HTTP end to end, pinned (issue 14's method): every contender's server
// started once per configuration and kept warm, pinned to core 0; wrk pinned
// to core 1 (autocannon when wrk is absent); contenders take turns in short
// bursts over many rounds; the server's CPU per request comes from
// /proc/<pid>/stat around each burst, so measuring costs the server nothing.
import { contenderById } from '../lib/contenders.mjs';
import { progressLine, summariseLoad } from '../lib/e2e-summary.mjs';
import { contendersOfScenario, HTTP_SCENARIOS, serverKey, serversNeeded } from '../lib/http-scenarios.mjs';
import { SERVER_CPU } from '../lib/pinning.mjs';
import { clockTicksPerSecond, cpuUsPerRequest, procStatAvailable, readCpuTicks } from '../lib/proc-cpu.mjs';
import { rotate } from '../lib/rounds.mjs';
import { preCreateSessions } from '../lib/session-cookies.mjs';
import { autocannonLoad, sendHttp, startServer } from './http-load.mjs';
import { chooseLoadGenerator } from './load-generator.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).href;

/**
 * @param {{ contenders: Array<import('../lib/contenders.mjs').Contender>,
 *   settings: { rounds: number, connections: number, warmupS: number, burstS: number },
 *   log: (line: string) => void }} context
 */
export async function runHttp({ contenders, settings, log }) {
  const availableIds = contenders.map((c) => c.id);
  const loadGenerator = chooseLoadGenerator();
  const notes = [`load generator: ${loadGenerator.name}`];
  if (loadGenerator.note) notes.push(loadGenerator.note);
  for (const note of notes) log(`[http] ${note}`);
  const fleet = await startFleet(serversNeeded(HTTP_SCENARIOS, availableIds));
  try {
    if (!fleet.pinned) notes.push('servers not pinned (no taskset or fewer than 2 cores)');
    const burst = (scenario, contenderId, durationS) =>
      measureBurst(fleet.get(serverKey(contenderId, scenario.config)), scenario, fleet.cookieFor(scenario, contenderId), durationS, settings, loadGenerator);

    // Warm every server on every scenario it serves before any figure is taken: JIT warm-up
    // dominates the heavier contenders for the first seconds.
    // (--quick skips it: its figures only show that the suite works.)
    if (settings.warmupS > 0) {
      for (const scenario of HTTP_SCENARIOS) {
        for (const id of contendersOfScenario(scenario, availableIds)) await burst(scenario, id, settings.warmupS);
      }
    }

    const samples = new Map(
      HTTP_SCENARIOS.map((s) => [s.id, new Map(contendersOfScenario(s, availableIds).map((id) => [id, []]))]),
    );
    for (let round = 0; round < settings.rounds; round++) {
      for (const scenario of HTTP_SCENARIOS) {
        const thisRound = new Map();
        for (const id of rotate(contendersOfScenario(scenario, availableIds), round)) {
          const sample = await burst(scenario, id, settings.burstS);
          samples.get(scenario.id).get(id).push(sample);
          thisRound.set(id, sample);
        }
        log(progressLine('http', round, settings.rounds, scenario, thisRound, (id) => contenderById(id).title));
      }
    }
    const shown = contenders.filter((c) => HTTP_SCENARIOS.some((s) => contendersOfScenario(s, availableIds).includes(c.id)));
    const baselines = ['express-session', 'bare'].map((id) => shown.find((c) => c.id === id)).filter(Boolean);
    return { samples, summaries: summariseLoad(samples, shown, baselines), baselines, loadGenerator: loadGenerator.name, pinned: fleet.pinned, notes };
  } finally {
    await fleet.stop();
  }
}

/**
 * Starts every server (pinned), checks each hands out a working session, and
 * keeps one cookie per server. Bare Express gets the reference's cookie so
 * every contender receives the same request bytes.
 */
async function startFleet(needed) {
  const servers = new Map();
  const cookies = new Map();
  try {
    // Started together: they share core 0, but their start-up waits overlap.
    const started = await Promise.allSettled(needed.map(({ contenderId, config }) => startServer(SERVER, [contenderId, config], { cpu: SERVER_CPU })));
    started.forEach((outcome, i) => outcome.status === 'fulfilled' && servers.set(needed[i].key, outcome.value));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    for (const { key, contenderId } of needed) {
      if (contenderId === 'bare') continue;
      const server = servers.get(key);
      const [cookie] = await preCreateSessions((request) => sendHttp(server.port, request), 1, { expectSessions: true });
      cookies.set(key, cookie);
    }
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    throw err;
  }
  const anyCookie = cookies.get(serverKey('express-session', 'default')) ?? [...cookies.values()][0];
  return {
    pinned: [...servers.values()].every((s) => s.pinned),
    get: (key) => servers.get(key),
    cookieFor(scenario, contenderId) {
      if (!scenario.sendsCookie) return undefined;
      return contenderId === 'bare' ? anyCookie : cookies.get(serverKey(contenderId, scenario.config));
    },
    stop: () => Promise.all([...servers.values()].map((s) => s.stop())),
  };
}

/**
 * One burst against a warm server: CPU ticks of the server process before and
 * after, divided by the requests the load generator completed.
 * @returns {Promise<import('../lib/e2e-summary.mjs').LoadSample>}
 */
async function measureBurst(server, scenario, cookie, durationS, settings, loadGenerator) {
  const url = `http://127.0.0.1:${server.port}${scenario.path}`;
  const useProc = procStatAvailable();
  const before = useProc ? readCpuTicks(server.pid) : await server.stats();
  const result = await loadGenerator.burst({ url, connections: settings.connections, durationS, cookie });
  const after = useProc ? readCpuTicks(server.pid) : await server.stats();
  const cpuUsPerReq = useProc
    ? cpuUsPerRequest(before, after, result.requests, clockTicksPerSecond())
    : (after.cpuUs - before.cpuUs) / result.requests;
  return {
    reqPerSec: result.reqPerSec,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerReq,
    requests: result.requests,
    errors: result.non2xx + result.socketErrors,
  };
}

/**
 * A fresh server process per measurement, autocannon in this process: the
 * method of the cluster section and bench/experiments (not pinned).
 */
export async function measureServer(script, args, scenario, settings, expectSessions) {
  const server = await startServer(script, args);
  try {
    const send = (request) => sendHttp(server.port, request);
    const cookies = scenario.sendsCookie
      ? await preCreateSessions(send, settings.connections, { expectSessions })
      : new Array(settings.connections).fill(undefined);
    await autocannonLoad(server, scenario, cookies, settings.warmupS);
    return await autocannonLoad(server, scenario, cookies, settings.durationS);
  } finally {
    await server.stop();
  }
}
