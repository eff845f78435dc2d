// Bytes allocated per request by one way of attaching state to Express's req
// (node alloc.cjs VARIANT PORT_FILE): the server measures its own allocation
// between the 2nd and 5th second of load with v8.GCProfiler.
const express = require('express');
const v8 = require('v8');
const variant = process.argv[2];
const SYM = Symbol('state');
class State { constructor(req) { this.req = req; this.session = undefined; this.id = 'abc'; this.n = 0; } }
const states = new WeakMap();
const SHARED_ACCESSOR = { configurable: true, enumerable: true, get() { return states.get(this)?.session; }, set(v) { const s = states.get(this); if (s) s.session = v; } };
const app = express();
let count = 0;
app.use((req, res, next) => {
  count++;
  if (variant.includes('sym')) req[SYM] = new State(req);
  if (variant.includes('weak')) states.set(req, new State(req));
  if (variant.includes('object')) new State(req);
  if (variant.includes('ownacc')) Object.defineProperty(req, 'session', SHARED_ACCESSOR);
  if (variant.includes('named')) req.session = {};
  if (variant.includes('define')) Object.defineProperty(req, 'session', { value: {}, writable: true, enumerable: true, configurable: true });
  next();
});
app.get('/', (req, res) => { res.end('ok'); });
const srv = app.listen(0, '127.0.0.1', () => { console.log(srv.address().port); });
function used() { return v8.getHeapStatistics().used_heap_size; }
setTimeout(() => {
  const profiler = new v8.GCProfiler(); profiler.start(); const c0 = count; const u0 = used();
  setTimeout(() => {
    const u1 = used(); const c1 = count; const stats = profiler.stop().statistics;
    let freed = 0, gcUs = 0; for (const s of stats) { freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize; gcUs += s.cost; }
    console.error(variant.padEnd(12), 'bytes/req', Math.round((u1 - u0 + freed) / (c1 - c0)), 'GC µs/req', (gcUs / (c1 - c0)).toFixed(2), 'req', c1 - c0);
    process.exit(0);
  }, 3000);
}, 1500);
