// Fills one store with N sessions in a fresh process, then reports memory and
// get latency: `node --expose-gc measure-store.mjs <store> <sessions> <gets>`.
// Prints one JSON row { store, sessions, heapUsedMB, rssMB, p99GetUs } on stdout.
import { performance } from 'node:perf_hooks';
import { storeById } from '../lib/stores.mjs';
import { percentileOfSorted } from '../lib/stats.mjs';

const [storeId, sessionsArg, getsArg] = process.argv.slice(2);
const sessions = Number(sessionsArg);
const gets = Number(getsArg);
const definition = storeById(storeId);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc: heap figures need a full collection first');

const BATCH = 5_000;
const DAY_MS = 86_400_000;
// Our MemoryStore gets room for a million sessions, so every store holds the same data rather than measuring eviction.
const { store, close } = definition.create({ maxBytes: 1024 * 1024 * 1024 });

// IDs as long as the default generator's (32 characters), deterministic so runs compare.
const sidOf = (i) => `bench${i.toString(36)}`.padEnd(32, '_');
const sessionOf = (i) => ({
  cookie: { originalMaxAge: DAY_MS, expires: new Date(Date.now() + DAY_MS), httpOnly: true, path: '/' },
  user: `user-${i}`,
  views: i % 100,
});

const call = (method, ...args) =>
  new Promise((resolve, reject) => store[method](...args, (err, value) => (err ? reject(err) : resolve(value))));

for (let start = 0; start < sessions; start += BATCH) {
  const pending = [];
  for (let i = start; i < Math.min(sessions, start + BATCH); i++) pending.push(call('set', sidOf(i), sessionOf(i)));
  await Promise.all(pending);
}

globalThis.gc();
const memory = process.memoryUsage();

// Each get timed from the call to its callback: the wait an app's request sees.
const latencies = [];
let state = 12345;
for (let n = 0; n < gets; n++) {
  state = (state * 1103515245 + 12345) % 2147483648; // a fixed pseudo-random walk over the stored IDs
  const sid = sidOf(state % sessions);
  const started = performance.now();
  const found = await call('get', sid);
  latencies.push(performance.now() - started);
  if (!found) throw new Error(`${storeId} lost session ${sid}`);
}
latencies.sort((a, b) => a - b);
await close();

const MB = 1024 * 1024;
process.stdout.write(
  `${JSON.stringify({
    store: definition.title,
    sessions,
    heapUsedMB: memory.heapUsed / MB,
    rssMB: memory.rss / MB,
    p99GetUs: percentileOfSorted(latencies, 99) * 1000,
  })}\n`,
);
