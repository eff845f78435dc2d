// Real HTTP end to end: each contender's server in its own process on
// 127.0.0.1, autocannon in this one. The figure users see, but noisier than
// the in-process section on a shared machine.
import { baselinesAmong } from '../lib/contenders.mjs';
import { progressLine, summariseLoad } from '../lib/e2e-summary.mjs';
import { runInterleaved } from '../lib/rounds.mjs';
import { SCENARIOS } from '../lib/scenarios.mjs';
import { preCreateSessions } from '../lib/session-cookies.mjs';
import { autocannonLoad, sendHttp, startServer } from './http-load.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).href;

/**
 * @param {{ contenders: Array<import('../lib/contenders.mjs').Contender>,
 *   settings: { rounds: number, connections: number, warmupS: number, durationS: number },
 *   log: (line: string) => void }} context
 */
export async function runHttp({ contenders, settings, log }) {
  const titleOf = (id) => contenders.find((c) => c.id === id).title;
  const samples = await runInterleaved({
    rounds: settings.rounds,
    scenarios: SCENARIOS,
    contenders,
    measure: (contender, scenario) =>
      measureServer(SERVER, [contender.id, scenario.id], scenario, settings, contender.id !== 'bare'),
    onScenarioDone: (round, scenario, thisRound) =>
      log(progressLine('http', round, settings.rounds, scenario, thisRound, titleOf)),
  });
  const baselines = baselinesAmong(contenders);
  return { samples, summaries: summariseLoad(samples, contenders, baselines), baselines };
}

/** A fresh server process per measurement: cookies, warm-up, then the measured load. */
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
