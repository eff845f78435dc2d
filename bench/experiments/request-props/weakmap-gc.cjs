// Garbage-collection cost of linking state to short-lived objects: a WeakMap entry (ephemeron) vs a symbol property. node weakmap-gc.cjs
const v8 = require('v8');
const SYM = Symbol('s');
const wm = new WeakMap();
function make() { const o = {}; for (let i = 0; i < 40; i++) o['p' + i] = i; return o; }
const keep = [];
function run(variant, N) {
  const prof = new v8.GCProfiler(); prof.start();
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    const o = make();
    const st = { a: 1, b: 2, o };
    if (variant === 'weak') wm.set(o, st); else if (variant === 'sym') o[SYM] = st;
    // keep a window of live objects, as in-flight requests
    keep[i & 15] = o;
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  let gc = 0; for (const s of prof.stop().statistics) gc += s.cost;
  console.log(variant.padEnd(5), 'ns/obj', (ms * 1e6 / N).toFixed(0), 'gc ns/obj', (gc * 1000 / N).toFixed(0));
}
for (let r = 0; r < 3; r++) for (const v of ['none', 'weak', 'sym']) run(v, 300000);
