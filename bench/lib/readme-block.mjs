// Copies the headline of the latest full run (bench/results/latest.md) into
// the README between its bench markers, so the figures the README shows are
// always the generated ones, never typed by hand. Run by bench/run.mjs after
// a full run, or by hand: `node bench/lib/readme-block.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const START = '<!-- bench:latest:start (generated from bench/results/latest.md; do not edit) -->';
const END = '<!-- bench:latest:end -->';

/**
 * The lines of one `## ` or `#### ` section of a report, heading included, or [] when absent.
 * A heading ending in '(' matches any heading it starts (the HTTP title names its load generator).
 */
function section(lines, heading) {
  const start = lines.findIndex((line) => (heading.endsWith('(') ? line.startsWith(heading) : line === heading));
  if (start < 0) return [];
  const level = heading.split(' ')[0];
  let end = start + 1;
  while (end < lines.length && !(lines[end].startsWith('#') && lines[end].split(' ')[0].length <= level.length)) end++;
  return lines.slice(start, end);
}

/** The README block: provenance, the acceptance targets, the pinned real-HTTP and the in-process tables. */
export function renderReadmeBlock(latestMarkdown) {
  const lines = latestMarkdown.split('\n');
  const produced = lines.find((line) => line.startsWith('Produced by')) ?? '';
  const cell = (prefix) => (lines.find((line) => line.startsWith(prefix)) ?? '').split('|')[2]?.trim() ?? '?';
  const commit = cell('| wasm-session ');
  const load = cell('| load average');
  const demote = (line) => (line.startsWith('#') ? `#${line}` : line);
  const body = [
    ...section(lines, '## Acceptance targets').map(demote),
    ...section(lines, '## End to end, real HTTP (').map(demote),
    ...section(lines, '## End to end, in process (light-my-request)').map(demote),
  ];
  return [
    START,
    `${produced} Version ${commit}, load average at start ${load} (2 shared cores). Full report: [bench/results/latest.md](bench/results/latest.md).`,
    '',
    ...body,
    END,
  ].join('\n');
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
