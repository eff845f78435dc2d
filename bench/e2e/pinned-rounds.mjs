// The measuring plan of a pinned real-HTTP section: warm every server on each
// scenario it serves, then interleaved rounds of short bursts (rounds.mjs).
import { progressLine } from '../lib/e2e-summary.mjs';
import { runInterleaved } from '../lib/rounds.mjs';

/**
 * @template Sample
 * @param {{ label: string, scenarios: Array<{ id: string, title: string }>, contendersOf: (scenario: any) => string[],
 *   settings: { rounds: number, warmupS: number, burstS: number },
 *   burst: (scenario: any, contenderId: string, durationS: number) => Promise<Sample>,
 *   titleOf: (contenderId: string) => string, log: (line: string) => void }} plan
 * @returns {Promise<Map<string, Map<string, Sample[]>>>} scenario id → contender id → one sample per round
 */
export async function runPinnedRounds({ label, scenarios, contendersOf, settings, burst, titleOf, log }) {
  // JIT warm-up dominates the heavier contenders for the first seconds.
  // (--quick skips it: its figures only show that the suite works.)
  if (settings.warmupS > 0) {
    for (const scenario of scenarios) {
      for (const id of contendersOf(scenario)) await burst(scenario, id, settings.warmupS);
    }
  }
  return runInterleaved({
    rounds: settings.rounds,
    scenarios,
    contendersOf: (scenario) => contendersOf(scenario).map((id) => ({ id })),
    measure: (contender, scenario) => burst(scenario, contender.id, settings.burstS),
    onScenarioDone: (round, scenario, thisRound) => log(progressLine(label, round, settings.rounds, scenario, thisRound, titleOf)),
  });
}
