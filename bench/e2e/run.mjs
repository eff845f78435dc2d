// Real HTTP end to end, pinned (issue 14's method): every contender's server
// started once per configuration and kept warm, pinned to core 0; wrk pinned
// to core 1 (autocannon when wrk is absent); contenders take turns in short
// bursts over many rounds; the server's CPU per request comes from
// /proc/<pid>/stat around each burst, so measuring costs the server nothing.
import { contenderById } from '../lib/contenders.mjs';
import { summariseLoad } from '../lib/e2e-summary.mjs';
import { contendersOfScenario, HTTP_SCENARIOS, serversNeeded } from '../lib/http-scenarios.mjs';
import { preCreateSessions } from '../lib/session-cookies.mjs';
import { autocannonLoad, sendHttp, startServer } from './http-load.mjs';
import { chooseLoadGenerator } from './load-generator.mjs';
import { startFleet } from './pinned-fleet.mjs';
import { runPinnedRounds } from './pinned-rounds.mjs';

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
    const samples = await runPinnedRounds({
      label: 'http',
      scenarios: HTTP_SCENARIOS,
      contendersOf: (scenario) => contendersOfScenario(scenario, availableIds),
      settings,
      burst: (scenario, id, durationS) => fleet.burst(scenario, id, durationS, settings, loadGenerator),
      titleOf: (id) => contenderById(id).title,
      log,
    });
    const shown = contenders.filter((c) => HTTP_SCENARIOS.some((s) => contendersOfScenario(s, availableIds).includes(c.id)));
    const baselines = ['express-session', 'bare'].map((id) => shown.find((c) => c.id === id)).filter(Boolean);
    return { samples, summaries: summariseLoad(samples, shown, baselines), baselines, loadGenerator: loadGenerator.name, pinned: fleet.pinned, notes };
  } finally {
    await fleet.stop();
  }
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
