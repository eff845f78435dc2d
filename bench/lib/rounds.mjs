// Interleaving: every round measures every contender once per scenario, with
// the contender order rotated each round, so slow drift of a shared, noisy
// machine spreads over all contenders instead of landing on one.

/**
 * @template Sample
 * @param {{ rounds: number, scenarios: Array<{ id: string }>, contenders?: Array<{ id: string }>,
 *   contendersOf?: (scenario: any) => Array<{ id: string }>,
 *   measure: (contender: any, scenario: any) => Promise<Sample>,
 *   onScenarioDone?: (round: number, scenario: any, samples: Map<string, Sample>) => void }} plan
 *   contendersOf: when scenarios measure different contenders (the pinned HTTP sections); otherwise every scenario measures `contenders`
 * @returns {Promise<Map<string, Map<string, Sample[]>>>} scenario id → contender id → one sample per round
 */
export async function runInterleaved({ rounds, scenarios, contenders, contendersOf = () => contenders, measure, onScenarioDone }) {
  const samples = new Map(scenarios.map((s) => [s.id, new Map(contendersOf(s).map((c) => [c.id, []]))]));
  for (let round = 0; round < rounds; round++) {
    for (const scenario of scenarios) {
      const thisRound = new Map();
      for (const contender of rotate(contendersOf(scenario), round)) {
        const sample = await measure(contender, scenario);
        samples.get(scenario.id).get(contender.id).push(sample);
        thisRound.set(contender.id, sample);
      }
      onScenarioDone?.(round, scenario, thisRound);
    }
  }
  return samples;
}

/** The list starting at position `by` (mod length), wrapping around. */
export function rotate(list, by) {
  if (list.length === 0) return [];
  const start = by % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}
