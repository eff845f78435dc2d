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
    const functions = new Map();
    for (const [i, window] of windows.entries()) {
      for (const f of window.functions) {
        const key = `${f.name}\0${f.url}\0${f.line}`;
        const row = functions.get(key) ?? { name: f.name, url: f.url, line: f.line, stage: f.stage, perWindow: new Array(windows.length).fill(0) };
        row.perWindow[i] += f.usPerReq;
        functions.set(key, row);
      }
    }
    const stageNames = new Set(windows.flatMap((w) => w.stages.map((s) => s.stage)));
    merged.set(id, {
      windows: windows.length,
      reqPerSec: median(windows.map((w) => w.reqPerSec)),
      cpuUsPerReq: median(windows.map((w) => w.cpuUsPerReq)),
      gcUsPerReq: median(windows.map((w) => w.gcUsPerReq)),
      bytesPerReq: median(windows.map((w) => w.bytesPerReq)),
      // A window where a function was not sampled counts as 0 µs, not as missing.
      functions: [...functions.values()]
        .map(({ perWindow, ...f }) => ({ ...f, usPerReq: median(perWindow) }))
        .sort((a, b) => b.usPerReq - a.usPerReq),
      stages: [...stageNames]
        .map((stage) => ({ stage, usPerReq: median(windows.map((w) => w.stages.find((s) => s.stage === stage)?.usPerReq ?? 0)) }))
        .sort((a, b) => b.usPerReq - a.usPerReq),
    });
  }
  return merged;
}
