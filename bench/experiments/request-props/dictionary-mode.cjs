// Per-request cost of property adds on a re-parented IncomingMessage, in a loop, with and without dictionary mode first:
// node --allow-natives-syntax dictionary-mode.cjs none|props|dict (none: only the req.route Express adds later).
const http = require('http');
const { IncomingMessage } = http;
const appReq = Object.create(IncomingMessage.prototype);
const SYM = Symbol('s'), TMP = Symbol('tmp');
const ACC = { configurable: true, enumerable: true, get() { return this[SYM]; }, set(v) { this[SYM] = v; } };
const mk = () => new IncomingMessage(null);
function reads(o) { let s = 0; for (let i = 0; i < 5; i++) { s += o.complete ? 1 : 0; s += o.url.length; s += o.method === null ? 1 : 0; s += o.aborted ? 1 : 0; s+= o.route ? 1: 0; } return s; }
const variants = {
  props: (o) => { o[SYM] = 1; Object.defineProperty(o, 'session', ACC); o.route = 1; },
  dict: (o) => { o[TMP] = 0; delete o[TMP]; o[SYM] = 1; Object.defineProperty(o, 'session', ACC); o.route = 1; },
  none: (o) => { o.route = 1; },
};
const which = process.argv[2];
const f = variants[which];
{ const o = mk(); Object.setPrototypeOf(o, appReq); f(o); console.log(which, 'fast', %HasFastProperties(o)); const p = mk(); Object.setPrototypeOf(p, appReq); f(p); console.log('same map', %HaveSameMap(o,p)); }
for (let r = 0; r < 3; r++) {
  const N = 200000; const t = process.hrtime.bigint();
  let s = 0;
  for (let i = 0; i < N; i++) { const o = mk(); Object.setPrototypeOf(o, appReq); f(o); s += reads(o); }
  console.log(which.padEnd(6), (Number(process.hrtime.bigint() - t) / N).toFixed(0), 'ns', s > 0);
}
