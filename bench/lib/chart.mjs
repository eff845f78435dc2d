// Which ratios the chart shows: throughput relative to express-session for
// each end-to-end section, and each micro result relative to its baseline.
import { REFERENCE_ID } from './contenders.mjs';
import { ratiosToBaseline } from './micro.mjs';
import { renderRatioChart } from './svg-chart.mjs';

/**
 * @param {{ title: string, subtitle: string,
 *   loadSections: Array<{ title: string, scenarios: Array<{ id: string, title: string }>, summaries: Map<string, any[]> }>,
 *   microGroups: Array<import('./micro.mjs').MicroGroup> }} input
 */
export function renderResultsChart({ title, subtitle, loadSections, microGroups }) {
  const panels = loadSections.map((section) => ({
    title: section.title,
    groups: section.scenarios
      .filter((scenario) => section.summaries.has(scenario.id))
      .map((scenario) => ({
        label: scenario.title,
        bars: section.summaries
          .get(scenario.id)
          .filter((row) => row.contenderId !== REFERENCE_ID)
          .map((row) => ({ series: row.title, value: row.ratios[REFERENCE_ID] })),
      })),
  }));
  if (microGroups.length > 0) {
    panels.push({
      title: 'Micro benchmarks: op/s relative to the library each one replaces',
      groups: microGroups.map((group) => ({
        label: group.group,
        bars: ratiosToBaseline(group)
          .filter((result) => result.name !== group.baseline)
          .map((result) => ({ series: 'micro benchmark', label: result.name, value: result.ratio })),
      })),
    });
  }
  return renderRatioChart({ title, subtitle, reference: { value: 1, label: 'baseline = 1.00x' }, panels });
}

