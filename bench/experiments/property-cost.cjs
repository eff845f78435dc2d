// What adding properties to Express's req/res per request costs: bytes (v8.GCProfiler accounting)
// and CPU µs per request of a bare Express app under wrk, per variant (bare, ressym, resend,
// resboth, reqsym, reqnamed, reqall, reqweak, resclosure, resproto).
// Run: taskset -c 0 node bench/experiments/property-cost.cjs <variant>  (needs wrk and taskset)
const express = require('express');
const v8 = require('v8');

const variant = process.argv[2];
const SYM = Symbol('x');
const app = express();
const state = { a: 1 };
const wm = new WeakMap(); const protoCache = new Map();
function end(...a) { return Object.getPrototypeOf(this).end.apply(this, a); }
app.use((req, res, next) => {
  if (variant === 'ressym') res[SYM] = state;
  if (variant === 'resend') res.end = end;
  if (variant === 'resboth') { res[SYM] = state; res.end = end; }
  if (variant === 'reqsym') { req[SYM] = state; }
  if (variant === 'reqnamed') { req.sessionStore = state; req.sessionID = 'x'; }
  if (variant === 'reqall') { req.sessionStore = state; req.sessionID = 'x'; req[SYM] = state; req.session = state; }
  if (variant === 'reqweak') wm.set(req, state);
  if (variant === 'resclosure') { const st = { a: 1 }; res.end = function (...a) { st.a++; return Object.getPrototypeOf(this).end.apply(this, a); }; }
  if (variant === 'resproto') { if (!protoCache.has(Object.getPrototypeOf(res))) { const base = Object.getPrototypeOf(res); const d = Object.create(base); d.end = function (...a) { return base.end.apply(this, a); }; protoCache.set(base, d); } Object.setPrototypeOf(res, protoCache.get(Object.getPrototypeOf(res))); }
  next();
});
app.get('/', (req, res) => res.end('ok'));
const srv = app.listen(0, '127.0.0.1', () => {
  const port = srv.address().port;
  const go = (measure) => new Promise((resolve) => {
    const c0 = process.cpuUsage(); const p = new v8.GCProfiler(); p.start(); const before = v8.getHeapStatistics().used_heap_size;
    require('child_process').execFile('taskset', ['-c', '1', 'wrk', '-t1', '-c16', '-d2s', `http://127.0.0.1:${port}/`], (e, out) => {
      const after = v8.getHeapStatistics().used_heap_size; const st = p.stop().statistics;
      let freed = 0; for (const s of st) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
      const reqs = Number(/(\d+) requests in/.exec(out)[1]);
      const c = process.cpuUsage(c0); resolve(((after - before + freed) / reqs).toFixed(0) + 'B/' + ((c.user + c.system) / reqs).toFixed(1) + 'us');
    });
  });
  (async () => { await go(); await go(); const r = []; for (let i = 0; i < 3; i++) r.push(await go()); console.log(variant, r.join(' ')); srv.close(); })();
});
