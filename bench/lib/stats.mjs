// Summary statistics for benchmark samples. Pure functions: the tests pin them down.

/** Median of a list of numbers (mean of the two middle values for an even count); NaN when empty. */
export function median(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Nearest-rank percentile (p in 0..100) of an ascending sorted array, so the
 * figure is always a latency that was actually observed.
 */
export function percentileOfSorted(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** a / b, or NaN when either side is missing or b is zero (a ratio we cannot state). */
export function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return NaN;
  return a / b;
}

/**
 * Median over rounds of the per-round ratio `value(contender) / value(baseline)`.
 * Pairing within a round cancels the machine's drift between rounds, which a
 * ratio of two medians would not.
 */
export function medianPairedRatio(contenderRounds, baselineRounds) {
  const ratios = [];
  const rounds = Math.min(contenderRounds.length, baselineRounds.length);
  for (let i = 0; i < rounds; i++) ratios.push(ratio(contenderRounds[i], baselineRounds[i]));
  return median(ratios);
}
