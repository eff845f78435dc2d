// variant server: node props.cjs VARIANT  -> prints port
const express = require('express');
const http = require('http');
const variant = process.argv[2];
const SYM = Symbol('state');
const app = express();
const proto = http.IncomingMessage.prototype;
if (variant.includes('protoacc')) {
  Object.defineProperty(proto, 'session', { configurable: true, get() { const s = this[SYM]; return s === undefined ? undefined : s.session; }, set(v) { const s = this[SYM]; if (s) s.session = v; else Object.defineProperty(this, 'session', { value: v, writable: true, enumerable: true, configurable: true }); } });
  Object.defineProperty(proto, 'sessionID', { configurable: true, get() { const s = this[SYM]; return s === undefined ? undefined : s.id; } });
}
const SYM2 = Symbol('two');
const origEnd = http.ServerResponse.prototype.end;
if (variant === 'protoend') {
  http.ServerResponse.prototype.end = function end(a, b, c) { const st = this.req[SYM]; if (st !== undefined) st.n++; return origEnd.call(this, a, b, c); };
}
if (variant === 'materialize') {
  Object.defineProperty(proto, 'session', { configurable: true, get() { const s = this[SYM]; if (s === undefined) return undefined; const v = {}; Object.defineProperty(this, 'session', { value: v, writable: true, enumerable: true, configurable: true }); return v; } });
}
class State { constructor(req) { this.req = req; this.session = undefined; this.id = 'abc'; this.n = 0; } }
app.use((req, res, next) => {
  if (variant === 'sym' || variant === 'sym+protoacc') req[SYM] = new State(req);
  if (variant === 'sym+ownacc') { const st = new State(req); req[SYM] = st; Object.defineProperty(req, 'session', { configurable: true, enumerable: true, get() { return st.session; }, set(v) { st.session = v; } }); }
  if (variant === 'ownacc') { const st = new State(req); Object.defineProperty(req, 'session', { configurable: true, enumerable: true, get() { return st.session; }, set(v) { st.session = v; } }); }
  if (variant === 'three') { req.sessionStore = app; req.sessionID = 'abc'; req.session = {}; }
  if (variant === 'sym+session') { req[SYM] = new State(req); req.session = {}; }
  if (variant === 'named1') req.session = {};
  if (variant === 'sym2') { req[SYM] = new State(req); req[SYM2] = 1; }
  if (variant === 'resend') { const st = new State(req); res.end = function (...a) { st.n++; return origEnd.apply(this, a); }; }
  if (variant === 'protoend') { req[SYM] = new State(req); }
  if (variant === 'materialize') { req[SYM] = new State(req); }
  next();
});
app.get('/', (req, res) => { if (variant === 'materialize') req.session; res.end('ok'); });
const srv = app.listen(0, '127.0.0.1', () => { console.log(srv.address().port); });
