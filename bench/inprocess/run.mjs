// In-process end to end: the shared Express app driven by light-my-request, no
// sockets. Steadier than real HTTP on a noisy machine, so this is the section
// the acceptance targets are read from.
import { createBenchApp } from '../lib/app.mjs';
import { baselinesAmong } from '../lib/contenders.mjs';
import { progressLine, summariseLoad } from '../lib/e2e-summary.mjs';
import { collectGarbage } from '../lib/gc.mjs';
import { runInterleaved } from '../lib/rounds.mjs';
import { SCENARIOS } from '../lib/scenarios.mjs';
import { preCreateSessions } from '../lib/session-cookies.mjs';
import { injectLoad, injectOnce } from './inject-load.mjs';

/**
 * @param {{ contenders: Array<import('../lib/contenders.mjs').Contender>,
 *   settings: { rounds: number, connections: number, warmupMs: number, durationMs: number },
 *   log: (line: string) => void }} context
 */
export async function runInProcess({ contenders, settings, log }) {
  const titleOf = (id) => contenders.find((c) => c.id === id).title;
  const samples = await runInterleaved({
    rounds: settings.rounds,
    scenarios: SCENARIOS,
    contenders,
    measure: (contender, scenario) => measureInProcess(contender, scenario, settings),
    onScenarioDone: (round, scenario, thisRound) =>
      log(progressLine('in-process', round, settings.rounds, scenario, thisRound, titleOf)),
  });
  const baselines = baselinesAmong(contenders);
  return { samples, summaries: summariseLoad(samples, contenders, baselines), baselines };
}

/**
 * One in-process measurement, exported for scripts that pick their own
 * contenders (e.g. bench/inprocess/lmdb.mjs). A fresh app and store every time: a
 * store filled by one scenario must not slow the next one down.
 * @param {{ create: () => import('../lib/contenders.mjs').ContenderInstance }} contender
 * @param {import('../lib/scenarios.mjs').Scenario} scenario
 * @param {{ connections: number, warmupMs: number, durationMs: number }} settings
 */
export async function measureInProcess(contender, scenario, settings) {
  const instance = contender.create();
  try {
    const app = createBenchApp(instance.middleware);
    const send = (request) => injectOnce(app, request);
    const cookies = scenario.sendsCookie
      ? await preCreateSessions(send, settings.connections, { expectSessions: instance.middleware !== null })
      : new Array(settings.connections).fill(undefined);
    await injectLoad(app, scenario, cookies, settings.warmupMs);
    collectGarbage();
    return await injectLoad(app, scenario, cookies, settings.durationMs);
  } finally {
    await instance.close();
  }
}
