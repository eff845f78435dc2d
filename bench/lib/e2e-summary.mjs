// From per-round samples to the figures the report shows: medians of each
// metric and median paired ratios of throughput to the reference and ceiling.
import { median, medianPairedRatio } from './stats.mjs';
import { formatAmount, formatRate, formatRatio } from './format.mjs';
import { renderMarkdownTable } from './markdown-table.mjs';

/**
 * @typedef {{ reqPerSec: number, p50Ms: number, p99Ms: number, cpuUsPerReq: number, requests: number, errors: number }} LoadSample
 * @typedef {{ contenderId: string, title: string, reqPerSec: number, p50Ms: number, p99Ms: number,
 *   cpuUsPerReq: number, errors: number, rounds: number, ratios: Record<string, number>,
 *   cpuRatios: Record<string, number> }} ContenderSummary
 */

/**
 * @param {Map<string, Map<string, LoadSample[]>>} samples scenario → contender → rounds
 * @param {Array<{ id: string, title: string }>} contenders in display order
 * @param {Array<{ id: string }>} baselines contenders every other is divided by (skipped when absent)
 * @returns {Map<string, ContenderSummary[]>} scenario id → one summary per contender
 */
export function summariseLoad(samples, contenders, baselines) {
  const summaries = new Map();
  for (const [scenarioId, byContender] of samples) {
    const rows = [];
    for (const contender of contenders) {
      const rounds = byContender.get(contender.id);
      if (!rounds) continue;
      const throughput = rounds.map((s) => s.reqPerSec);
      const cpu = rounds.map((s) => s.cpuUsPerReq);
      const ratios = {};
      const cpuRatios = {};
      for (const baseline of baselines) {
        const baselineRounds = byContender.get(baseline.id);
        if (!baselineRounds) continue;
        ratios[baseline.id] = medianPairedRatio(throughput, baselineRounds.map((s) => s.reqPerSec));
        // Inverted so that, like throughput, above 1 means cheaper than the baseline.
        cpuRatios[baseline.id] = medianPairedRatio(baselineRounds.map((s) => s.cpuUsPerReq), cpu);
      }
      rows.push({
        contenderId: contender.id,
        title: contender.title,
        reqPerSec: median(throughput),
        p50Ms: median(rounds.map((s) => s.p50Ms)),
        p99Ms: median(rounds.map((s) => s.p99Ms)),
        cpuUsPerReq: median(cpu),
        errors: rounds.reduce((sum, s) => sum + s.errors, 0),
        rounds: rounds.length,
        ratios,
        cpuRatios,
      });
    }
    summaries.set(scenarioId, rows);
  }
  return summaries;
}

/**
 * One Markdown table per scenario.
 * @param {Map<string, ContenderSummary[]>} summaries
 * @param {Array<{ id: string, title: string }>} scenarios
 * @param {Array<{ id: string, title: string }>} baselines the ratio columns, in order
 * @param {string} cpuTitle what the CPU column measures
 */
export function renderLoadTables(summaries, scenarios, baselines, cpuTitle) {
  const blocks = [];
  for (const scenario of scenarios) {
    const rows = summaries.get(scenario.id);
    if (!rows) continue;
    const headers = [
      'contender',
      'req/s',
      'p50 ms',
      'p99 ms',
      cpuTitle,
      ...baselines.map((b) => `req/s × ${b.title}`),
      ...baselines.map((b) => `CPU × ${b.title}`),
    ];
    const body = rows.map((row) => [
      row.errors > 0 ? `${row.title} (${row.errors} errors)` : row.title,
      formatRate(row.reqPerSec),
      formatAmount(row.p50Ms),
      formatAmount(row.p99Ms),
      formatAmount(row.cpuUsPerReq),
      ...baselines.map((b) => formatRatio(row.ratios[b.id])),
      ...baselines.map((b) => formatRatio(row.cpuRatios[b.id])),
    ]);
    blocks.push(`#### ${scenario.title}\n\n${renderMarkdownTable(headers, body)}`);
  }
  return blocks.join('\n\n');
}

/** A progress line: one round of one scenario, every contender's throughput. */
export function progressLine(section, round, rounds, scenario, samplesByContender, titleOf) {
  const parts = [...samplesByContender].map(([id, s]) => `${titleOf(id)} ${formatRate(s.reqPerSec)} req/s${s.errors ? ` (${s.errors} errors)` : ''}`);
  return `[${section}] round ${round + 1}/${rounds} · ${scenario.title}: ${parts.join(' · ')}`;
}
