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
 * Each target with what was measured and the ceiling: bare Express's own
 * ratio against the same baseline, the most any middleware could reach in
 * that run (a middleware adds work to bare Express, never removes it). A
 * target above its ceiling cannot be met by any session middleware, and the
 * report says so rather than only "not met".
 * @param {Map<string, Array<{ contenderId: string, ratios: Record<string, number> }>>} summaries in-process, by scenario
 * @returns {Array<{ target: typeof TARGETS[number], measured: number, measuredByCpu: number, ceiling: number,
 *   status: 'met' | 'not met' | 'not met (above the ceiling)' | 'not measured' }>} status judged on throughput, the targets' own measure
 */
export function evaluateTargets(summaries) {
  return TARGETS.map((target) => {
    const rows = summaries.get(target.scenario);
    const row = rows?.find((r) => r.contenderId === target.contender);
    const measured = row?.ratios[target.baseline] ?? NaN;
    const measuredByCpu = row?.cpuRatios[target.baseline] ?? NaN;
    const ceiling = rows?.find((r) => r.contenderId === 'bare')?.ratios[target.baseline] ?? NaN;
    let status = !Number.isFinite(measured) ? 'not measured' : measured >= target.atLeast ? 'met' : 'not met';
    if (status === 'not met' && ceiling < target.atLeast) status = 'not met (above the ceiling)';
    return { target, measured, measuredByCpu, ceiling, status };
  });
}
