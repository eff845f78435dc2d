// Fill a store through its Store API, then measure memory and get latency.
// Exported for any scale harness (bench/scale/measure-store.mjs runs it in a
// fresh process per store and size; run that process with --expose-gc).
import { performance } from 'node:perf_hooks';
import { percentileOfSorted } from '../lib/stats.mjs';

const BATCH = 5_000;
const DAY_MS = 86_400_000;
const MB = 1024 * 1024;

// IDs as long as the default generator's (32 characters), deterministic so runs compare.
export const sidOf = (i) => `bench${i.toString(36)}`.padEnd(32, '_');
export const sessionOf = (i) => ({
  cookie: { originalMaxAge: DAY_MS, expires: new Date(Date.now() + DAY_MS), httpOnly: true, path: '/' },
  user: `user-${i}`,
  views: i % 100,
});

/**
 * @param {any} store a Store (callback API)
 * @param {{ sessions: number, gets: number }} size
 * @returns {Promise<{ heapUsedMB: number, rssMB: number, p99GetUs: number }>} memory after a full GC
 */
export async function fillAndMeasure(store, { sessions, gets }) {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc: heap figures need a full collection first');
  const call = (method, ...args) =>
    new Promise((resolve, reject) => store[method](...args, (err, value) => (err ? reject(err) : resolve(value))));

  for (let start = 0; start < sessions; start += BATCH) {
    const pending = [];
    for (let i = start; i < Math.min(sessions, start + BATCH); i++) pending.push(call('set', sidOf(i), sessionOf(i)));
    await Promise.all(pending);
  }
  globalThis.gc();
  const memory = process.memoryUsage();

  // Each get timed from the call to its callback (the wait an app's request sees),
  // over a fixed pseudo-random walk of the stored IDs.
  const latencies = [];
  let state = 12345;
  for (let n = 0; n < gets; n++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const sid = sidOf(state % sessions);
    const started = performance.now();
    const found = await call('get', sid);
    latencies.push(performance.now() - started);
    if (!found) throw new Error(`the store lost session ${sid}`);
  }
  latencies.sort((a, b) => a - b);
  return { heapUsedMB: memory.heapUsed / MB, rssMB: memory.rss / MB, p99GetUs: percentileOfSorted(latencies, 99) * 1000 };
}
