// Reading the sampling heap profiler's result (HeapProfiler.stopSampling,
// sampled with the objects later collected included) into bytes allocated per
// function and per stage. Pure functions; the tests pin them down.
import { stageOfFrame } from './cpu-profile.mjs';

/**
 * Bytes allocated per function (name, file and line; one function reached
 * through several call paths is one row), heaviest first. V8 scales each
 * sampled allocation up to an estimate of all allocations of its kind there.
 * @param {{ head: { callFrame: { functionName: string, url: string, lineNumber: number }, selfSize: number, children: any[] } }} profile
 * @returns {Array<{ name: string, url: string, line: number, stage: string, bytes: number }>}
 */
export function allocationByFunction(profile, stageOf = stageOfFrame) {
  const rows = new Map();
  const stack = [profile.head];
  while (stack.length > 0) {
    const node = stack.pop();
    for (const child of node.children ?? []) stack.push(child);
    if (!node.selfSize) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}\0${url}\0${lineNumber}`;
    const row = rows.get(key) ?? { name: functionName || '(anonymous)', url, line: lineNumber + 1, stage: stageOf(node.callFrame), bytes: 0 };
    row.bytes += node.selfSize;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.bytes - a.bytes);
}
