// Writes the README's bench block from the latest full run (bench/results/latest.md):
// one short table of throughput ratios and the run it came from, so the figures the
// README shows are always generated, never typed by hand. Run by bench/run.mjs after
// a full run, or by hand: `node bench/lib/readme-block.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const START = '<!-- bench:latest:start (generated from bench/results/latest.md; do not edit) -->';
const END = '<!-- bench:latest:end -->';
const BASELINE = 'express-session + MemoryStore';
const COLUMNS = [
  'wasm-session + MemoryStore',
  'wasm-session + LmdbStore',
  'bare Express',
  'bare Express, req/res normalized',
  'express-session + MemoryStore, req/res normalized',
];

/**
 * The lines of one `## ` section of a report, heading excluded, or null when absent.
 * A heading ending in '(' matches any heading it starts (the HTTP title names its load generator).
 */
function section(lines, heading) {
  const start = lines.findIndex((line) => (heading.endsWith('(') ? line.startsWith(heading) : line === heading));
  if (start < 0) return null;
  let end = start + 1;
  while (end < lines.length && !/^##? /.test(lines[end])) end++;
  return { title: lines[start].slice(3), lines: lines.slice(start + 1, end) };
}

const cells = (line) => line.split('|').slice(1, -1).map((cell) => cell.trim());

/** Per `#### scenario`: the ratio to the baseline of each contender in COLUMNS ('' when absent). */
function ratios(sectionLines) {
  const rows = [];
  let scenario = null;
  let header = null;
  for (const line of sectionLines) {
    if (line.startsWith('#### ')) {
      scenario = { name: line.slice(5), values: new Map() };
      rows.push(scenario);
      header = null;
    } else if (scenario && line.startsWith('|')) {
      if (header === null) header = cells(line);
      else if (!/^\|[\s:|-]+\|$/.test(line)) {
        const row = cells(line);
        const column = header.indexOf(`req/s × ${BASELINE}`);
        if (column >= 0) scenario.values.set(row[0], row[column]);
      }
    }
  }
  return rows.map((r) => [r.name, ...COLUMNS.map((name) => r.values.get(name) ?? '')]);
}

/** The README block: the run it came from, then one table of req/s ratios to express-session. */
export function renderReadmeBlock(latestMarkdown) {
  const lines = latestMarkdown.split('\n');
  const date = (lines[0] ?? '').replace(/^# wasm-session benchmarks, /, '');
  const value = (prefix) => (lines.find((line) => line.startsWith(prefix)) ?? '').split('|')[2]?.trim() || '?';
  // The version alone names the run for a reader; the commit stays in the full report.
  const version = value('| wasm-session ').replace(/ at [0-9a-f]+$/, '');
  const chosen = section(lines, '## End to end, real HTTP (') ?? section(lines, '## End to end, in process (light-my-request)');
  const table = chosen ? ratios(chosen.lines) : [];
  const out = [
    START,
    `Run of ${date}: wasm-session ${version}, ${value('| cores ')} shared cores, load average at start ` +
      `${value('| load average')}; ${chosen ? chosen.title.replace(/^End to end, /, '') : 'no end-to-end section'}. ` +
      `Requests per second relative to ${BASELINE} (1.00x); bare Express has no session at all, and "req/res normalized" is bare Express ` +
        'with only the V8 shape fix wasm-session applies to each request and response, which is why wasm-session can beat plain bare Express; ' +
        'express-session behind the same fix is in its own column. ' +
      'Machine, commands, latency and CPU: [bench/results/latest.md](bench/results/latest.md).',
    '',
  ];
  if (table.length > 0) {
    out.push(`| scenario | ${COLUMNS.join(' | ')} |`, `| --- |${COLUMNS.map(() => ' ---: |').join('')}`);
    for (const row of table) out.push(`| ${row.join(' | ')} |`);
  }
  out.push(END);
  return out.join('\n');
}

/** Replaces the block in README.md; returns false when the README has no markers. */
export function updateReadme() {
  const readmePath = path.join(ROOT, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) return false;
  const latest = readFileSync(path.join(ROOT, 'bench', 'results', 'latest.md'), 'utf8');
  writeFileSync(readmePath, readme.slice(0, from) + renderReadmeBlock(latest).trimEnd() + readme.slice(to + END.length));
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(updateReadme() ? 'README.md: bench block updated from bench/results/latest.md' : 'README.md has no bench markers');
}
