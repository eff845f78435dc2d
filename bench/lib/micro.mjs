// The micro benchmarks other parts of the project keep in bench/micro/*.mjs:
// each exports run({ quick }) returning groups of tinybench results, one of
// them the baseline the others are divided by.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatAmount, formatCount, formatRate, formatRatio } from './format.mjs';
import { renderMarkdownTable } from './markdown-table.mjs';
import { ratio } from './stats.mjs';

const MICRO_DIR = new URL('../micro/', import.meta.url);

/** Every bench/micro/*.mjs, sorted by name; none is fine (the directory may not exist yet). */
export function discoverMicroFiles() {
  let names;
  try {
    names = readdirSync(fileURLToPath(MICRO_DIR));
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((name) => name.endsWith('.mjs')).sort();
}

/**
 * Runs each file in turn. A file that throws or breaks the contract is
 * recorded as a failure and the others still run.
 * @returns {Promise<{ files: Array<{ file: string, groups: MicroGroup[] }>, failures: Array<{ file: string, message: string }> }>}
 */
export async function runMicro({ quick, log }) {
  const files = [];
  const failures = [];
  for (const file of discoverMicroFiles()) {
    log(`[micro] ${file} …`);
    try {
      const module = await import(new URL(file, MICRO_DIR).href);
      if (typeof module.run !== 'function') throw new Error('does not export run({ quick })');
      const groups = checkGroups(await module.run({ quick }));
      for (const group of groups) log(`[micro] ${group.group}: ${group.results.map((r) => `${r.name} ${formatRate(r.hz)} op/s`).join(' · ')}`);
      files.push({ file, groups });
    } catch (err) {
      log(`[micro] ${file} FAILED: ${err?.message ?? err}`);
      failures.push({ file, message: String(err?.message ?? err) });
    }
  }
  return { files, failures };
}

/**
 * @typedef {{ group: string, baseline: string, results: Array<{ name: string, hz: number, meanNs: number, rounds: number }> }} MicroGroup
 * @returns {MicroGroup[]}
 */
export function checkGroups(groups) {
  if (!Array.isArray(groups)) throw new Error('run() must resolve to an array of groups');
  for (const group of groups) {
    if (typeof group?.group !== 'string' || !Array.isArray(group.results)) {
      throw new Error('each group needs a string "group" and an array "results"');
    }
    if (!group.results.some((result) => result.name === group.baseline)) {
      throw new Error(`group "${group.group}" names baseline "${group.baseline}", which is not among its results`);
    }
  }
  return groups;
}

/** Each result's throughput divided by its group's baseline throughput. */
export function ratiosToBaseline(group) {
  const baseline = group.results.find((result) => result.name === group.baseline);
  return group.results.map((result) => ({ ...result, ratio: ratio(result.hz, baseline.hz) }));
}

export function renderMicroGroup(group) {
  const rows = ratiosToBaseline(group).map((result) => [
    result.name === group.baseline ? `${result.name} (baseline)` : result.name,
    formatRate(result.hz),
    formatAmount(result.meanNs),
    formatCount(result.rounds),
    formatRatio(result.ratio),
  ]);
  return `#### ${group.group}\n\n${renderMarkdownTable(['implementation', 'op/s', 'mean ns', 'samples', '× baseline'], rows)}`;
}
