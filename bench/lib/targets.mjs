// The issues' acceptance targets, read from the in-process section (the
// steadiest figure). Reported as met / not met; never a pass/fail of the run.

export const TARGETS = [
  { contender: 'ours-memory', scenario: 'read-modify', baseline: 'express-session', atLeast: 1.6 },
  { contender: 'ours-memory', scenario: 'read-modify', baseline: 'bare', atLeast: 0.9 },
  { contender: 'ours-memory', scenario: 'new-session', baseline: 'express-session', atLeast: 2 },
  { contender: 'ours-lmdb', scenario: 'read-only', baseline: 'bare', atLeast: 0.8 },
  { contender: 'ours-lmdb', scenario: 'read-modify', baseline: 'bare', atLeast: 0.8 },
];

/**
 * @param {Map<string, Array<{ contenderId: string, ratios: Record<string, number> }>>} summaries in-process, by scenario
 * @returns {Array<{ target: typeof TARGETS[number], measured: number, measuredByCpu: number,
 *   status: 'met' | 'not met' | 'not measured' }>} status judged on throughput, the targets' own measure
 */
export function evaluateTargets(summaries) {
  return TARGETS.map((target) => {
    const row = summaries.get(target.scenario)?.find((r) => r.contenderId === target.contender);
    const measured = row?.ratios[target.baseline] ?? NaN;
    const measuredByCpu = row?.cpuRatios[target.baseline] ?? NaN;
    const status = !Number.isFinite(measured) ? 'not measured' : measured >= target.atLeast ? 'met' : 'not met';
    return { target, measured, measuredByCpu, status };
  });
}
