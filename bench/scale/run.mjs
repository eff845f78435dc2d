// Memory and get latency against the number of stored sessions. Takes the
// rows of bench/scale/memory.mjs (the MemoryStore benchmarks) when it exists
// and measures every (store, size) pair it does not cover, each in a fresh
// process so heap figures belong to one store only.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { formatAmount, formatCount } from '../lib/format.mjs';
import { renderMarkdownTable } from '../lib/markdown-table.mjs';
import { STORES } from '../lib/stores.mjs';

const run = promisify(execFile);
const MEMORY_SCALE = new URL('./memory.mjs', import.meta.url);
const MEASURE = fileURLToPath(new URL('./measure-store.mjs', import.meta.url));
const CHILD_TIMEOUT_MS = 180_000;

/**
 * @param {{ quick: boolean, settings: { sizes: number[], gets: number }, log: (line: string) => void }} context
 * @returns {Promise<{ rows: Array<{ store: string, sessions: number, heapUsedMB: number, rssMB: number, p99GetUs: number }>, notes: string[] }>}
 */
export async function runScale({ quick, settings, log }) {
  const rows = [];
  const notes = [];
  if (existsSync(MEMORY_SCALE)) {
    log('[scale] bench/scale/memory.mjs …');
    const helperRows = await (await import(MEMORY_SCALE.href)).run({ quick });
    rows.push(...helperRows.map((row) => ({ ...row, source: 'bench/scale/memory.mjs' })));
  }
  const measured = (title, sessions) => rows.some((row) => row.store === title && row.sessions === sessions);
  for (const definition of STORES) {
    if (!definition.available()) {
      notes.push(`${definition.title} skipped: not available in this build.`);
      continue;
    }
    for (const sessions of settings.sizes) {
      if (measured(definition.title, sessions)) continue;
      const row = { ...(await measureInChild(definition.id, sessions, settings.gets)), source: 'bench/scale' };
      log(`[scale] ${row.store} · ${formatCount(sessions)} sessions: heap ${formatAmount(row.heapUsedMB)} MB, RSS ${formatAmount(row.rssMB)} MB, p99 get ${formatAmount(row.p99GetUs)} µs`);
      rows.push(row);
    }
  }
  return { rows, notes };
}

async function measureInChild(storeId, sessions, gets) {
  const { stdout } = await run(process.execPath, ['--expose-gc', MEASURE, storeId, String(sessions), String(gets)], {
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/** The scale rows as one table, grouped by store, saying which harness measured each row. */
export function renderScaleTable(rows) {
  const sorted = [...rows].sort((a, b) => a.store.localeCompare(b.store) || a.sessions - b.sessions);
  return renderMarkdownTable(
    ['store', 'sessions', 'JS heap MB', 'RSS MB', 'p99 get µs', 'measured by'],
    sorted.map((row) => [
      row.store,
      formatCount(row.sessions),
      formatAmount(row.heapUsedMB),
      formatAmount(row.rssMB),
      formatAmount(row.p99GetUs),
      row.source ?? '',
    ]),
    ['left', 'right', 'right', 'right', 'right', 'left'],
  );
}
