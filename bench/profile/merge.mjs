// Several profile windows of one contender into one set of figures: the
// median of each per-request figure over the windows, per function and per
// stage too. Pure; the tests pin it down.
import { median } from '../lib/stats.mjs';

/**
 * @param {Map<string, Array<{ reqPerSec: number, cpuUsPerReq: number, gcUsPerReq: number, bytesPerReq: number,
 *   functions: Array<{ name: string, url: string, line: number, stage: string, usPerReq: number }>,
 *   stages: Array<{ stage: string, usPerReq: number }> }>>} windowsByContender
 */
export function mergeWindows(windowsByContender) {
  const merged = new Map();
  for (const [id, windows] of windowsByContender) {
    merged.set(id, {
      windows: windows.length,
      reqPerSec: median(windows.map((w) => w.reqPerSec)),
      cpuUsPerReq: median(windows.map((w) => w.cpuUsPerReq)),
      gcUsPerReq: median(windows.map((w) => w.gcUsPerReq)),
      bytesPerReq: median(windows.map((w) => w.bytesPerReq)),
      functions: mergeRows(windows.map((w) => w.functions), 'usPerReq'),
      stages: mergeStages(windows.map((w) => w.stages), 'usPerReq'),
      ...(windows.every((w) => w.allocations)
        ? {
            allocations: mergeRows(windows.map((w) => w.allocations), 'bytesPerReq'),
            allocationStages: mergeStages(windows.map((w) => w.allocationStages), 'bytesPerReq'),
          }
        : {}),
    });
  }
  return merged;
}

/**
 * Per-function rows of every window into one row per function with the
 * median of `field`; a window where a function was not sampled counts as 0,
 * not as missing. Heaviest first.
 */
function mergeRows(rowsPerWindow, field) {
  const rows = new Map();
  for (const [i, windowRows] of rowsPerWindow.entries()) {
    for (const f of windowRows) {
      const key = `${f.name}\0${f.url}\0${f.line}`;
      const row = rows.get(key) ?? { name: f.name, url: f.url, line: f.line, stage: f.stage, perWindow: new Array(rowsPerWindow.length).fill(0) };
      row.perWindow[i] += f[field];
      rows.set(key, row);
    }
  }
  return [...rows.values()].map(({ perWindow, ...f }) => ({ ...f, [field]: median(perWindow) })).sort((a, b) => b[field] - a[field]);
}

/** Per-stage figures of every window: the median per stage, 0 where a window lacks the stage. */
function mergeStages(stagesPerWindow, field) {
  const names = new Set(stagesPerWindow.flatMap((stages) => stages.map((s) => s.stage)));
  return [...names]
    .map((stage) => ({ stage, [field]: median(stagesPerWindow.map((stages) => stages.find((s) => s.stage === stage)?.[field] ?? 0)) }))
    .sort((a, b) => b[field] - a[field]);
}
