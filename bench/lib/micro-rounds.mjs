// Measuring for bench/micro/*.mjs: each contender is a function doing `batch`
// operations; tinybench times it, interleaved rounds spread the machine's
// drift, and the per-operation medians over rounds make one MicroGroup.
import { Bench } from 'tinybench';
import { runInterleaved } from './rounds.mjs';
import { median } from './stats.mjs';

/**
 * One tinybench run of `fn`, which does `batch` operations per call.
 * @returns {Promise<{ hz: number, meanNs: number }>} per operation, not per call
 */
export async function measureBatch(fn, { time, batch, iterations = 10, warmupIterations = 16 }) {
  // tinybench warms up for warmupTime AND at least warmupIterations calls (its default 16):
  // a slow batch (an fsync per write) needs the count lowered, or warm-up dominates a quick run.
  const bench = new Bench({ time, warmupTime: Math.min(50, time / 2), iterations, warmupIterations });
  bench.add('x', fn);
  await bench.run();
  const { result } = bench.tasks[0];
  // tinybench records a thrown error instead of throwing it; surface the real cause.
  if (result.error) throw result.error;
  const meanMs = result.latency.mean;
  return { hz: (1000 / meanMs) * batch, meanNs: (meanMs * 1e6) / batch };
}

/**
 * Measures each group's contenders in `rounds` interleaved rounds (every
 * round runs each contender once, starting at a different one).
 * @param {Array<{ group: string, baseline: string, contenders: Array<[string, () => unknown]> }>} groups
 * @param {{ rounds: number, time: number, batch: number, iterations?: number, warmupIterations?: number }} settings
 * @returns {Promise<import('./micro.mjs').MicroGroup[]>} the results in contender order, medians over rounds
 */
export async function measureMicroGroups(groups, { rounds, ...measureSettings }) {
  const out = [];
  for (const { group, baseline, contenders } of groups) {
    const entrants = contenders.map(([id, fn]) => ({ id, fn }));
    const samples = await runInterleaved({
      rounds,
      scenarios: [{ id: group }],
      contenders: entrants,
      measure: (entrant) => measureBatch(entrant.fn, measureSettings),
    });
    out.push({
      group,
      baseline,
      results: entrants.map(({ id }) => {
        const list = samples.get(group).get(id);
        return { name: id, hz: median(list.map((s) => s.hz)), meanNs: median(list.map((s) => s.meanNs)), rounds: list.length };
      }),
    });
  }
  return out;
}
