// Two processes sharing one LmdbStore (node:cluster) against one process with
// the same store, over real HTTP. autocannon runs on the same two cores, so a
// cluster cannot double throughput here: the report says so next to the figures.
import { progressLine, summariseLoad } from '../lib/e2e-summary.mjs';
import { runInterleaved } from '../lib/rounds.mjs';
import { scenarioById } from '../lib/scenarios.mjs';
import { measureServer } from './run.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).href;
const CLUSTER_SERVER = new URL('./cluster-server.mjs', import.meta.url).href;
const WORKERS = 2;

/** Shared sessions are what the cluster is for, so the existing-session scenarios. */
export const CLUSTER_SCENARIOS = [scenarioById('read-only'), scenarioById('read-modify')];

/**
 * @param {{ storeContender: { id: string, title: string }, referenceContender?: { id: string, title: string },
 *   settings: { rounds: number, connections: number, warmupS: number, durationS: number },
 *   log: (line: string) => void }} context
 */
export async function runCluster({ storeContender, referenceContender, settings, log }) {
  const single = {
    id: 'single',
    title: `${storeContender.title}, 1 process`,
    launch: () => [SERVER, [storeContender.id, 'default']],
  };
  const clustered = {
    id: 'cluster',
    title: `${storeContender.title}, ${WORKERS}-worker cluster`,
    launch: () => [CLUSTER_SERVER, [String(WORKERS), storeContender.id]],
  };
  const contenders = [single, clustered];
  if (referenceContender) {
    contenders.push({
      id: referenceContender.id,
      title: `${referenceContender.title}, 1 process`,
      launch: () => [SERVER, [referenceContender.id, 'default']],
    });
  }
  const titleOf = (id) => contenders.find((c) => c.id === id).title;
  const samples = await runInterleaved({
    rounds: settings.rounds,
    scenarios: CLUSTER_SCENARIOS,
    contenders,
    measure: (contender, scenario) => {
      const [script, args] = contender.launch();
      return measureServer(script, args, scenario, settings, storeContender.id !== 'bare');
    },
    onScenarioDone: (round, scenario, thisRound) =>
      log(progressLine('cluster', round, settings.rounds, scenario, thisRound, titleOf)),
  });
  const baselines = [single, ...(referenceContender ? [contenders[2]] : [])];
  return { samples, summaries: summariseLoad(samples, contenders, baselines), baselines };
}
