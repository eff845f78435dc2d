// node lazy.cjs bare|noop|props|acc-only|map+close|weak+acc|weak|dict|dict+res|dict-only|sock|sock+acc|eager|lazy : an untouched route behind wasm-session with
// lazySession off or on (bare: no session), for driver.mjs. The server logs
// itself in once and puts that cookie on every request wrk sends, so wrk
// needs no header.
const express = require('express');
const http = require('http');
const session = require('../../../dist/index.js');
const variant = process.argv[2];
const app = express();
let cookie = '';
app.use((req, _res, next) => {
  if (!req.headers.cookie && cookie) req.headers.cookie = cookie;
  next();
});
// noop: one more middleware layer; props: the two properties the lazy path adds to req, nothing else.
const SYM = Symbol('state');
const ACCESSOR = { configurable: true, enumerable: true, get() { return this[SYM]; }, set(v) { this[SYM] = v; } };
if (variant === 'noop') app.use((_req, _res, next) => next());
if (variant === 'props') app.use((req, _res, next) => { req[SYM] = { a: 1 }; Object.defineProperty(req, 'session', ACCESSOR); next(); });
// Ways to find a request's state without a property on req (Express re-parents req, after which every added property costs microseconds).
const states = new Map();
const weak = new WeakMap();
const forget = function () { states.delete(this.req); };
if (variant === 'acc-only') app.use((req, _res, next) => { Object.defineProperty(req, 'session', ACCESSOR); next(); });
if (variant === 'map+close') app.use((req, res, next) => { states.set(req, { a: 1 }); res.once('close', forget); Object.defineProperty(req, 'session', ACCESSOR); next(); });
if (variant === 'weak+acc') app.use((req, _res, next) => { weak.set(req, { a: 1 }); Object.defineProperty(req, 'session', ACCESSOR); next(); });
// dict: as props, after turning req into dictionary mode (add and delete a property): every later add is a hash insert, not a new map.
const TMP = Symbol('tmp');
if (variant === 'dict') app.use((req, _res, next) => { req[TMP] = 0; delete req[TMP]; req[SYM] = { a: 1 }; Object.defineProperty(req, 'session', ACCESSOR); next(); });
if (variant === 'dict+res') app.use((req, res, next) => { req[TMP] = 0; delete req[TMP]; res[TMP] = 0; delete res[TMP]; req[SYM] = { a: 1 }; Object.defineProperty(req, 'session', ACCESSOR); next(); });
if (variant === 'dict-only') app.use((req, _res, next) => { req[TMP] = 0; delete req[TMP]; next(); });
// sock: the state in a slot of the request's socket (reassigned per request: no property added to req).
const SLOT = Symbol('slot');
if (variant === 'sock') app.use((req, _res, next) => { req.socket[SLOT] = { req, a: 1 }; next(); });
if (variant === 'sock+acc') app.use((req, _res, next) => { req.socket[SLOT] = { req, a: 1 }; Object.defineProperty(req, 'session', ACCESSOR); next(); });
if (variant === 'weak') app.use((req, _res, next) => { weak.set(req, { a: 1 }); next(); });
if (variant === 'eager' || variant === 'lazy') app.use(session({ secret: 'lazy', resave: false, saveUninitialized: false, lazySession: variant === 'lazy' }));
app.get('/login', (req, res) => {
  req.session.user = { name: 'ann', roles: ['a', 'b'] };
  res.end('ok');
});
// SEND=1 answers as the bench app does (res.send: Content-Type, ETag, freshness), otherwise res.end.
app.get('/', (_req, res) => (process.env.SEND ? res.send('ok') : res.end('ok')));
const srv = app.listen(0, '127.0.0.1', () => {
  const port = srv.address().port;
  if (variant !== 'eager' && variant !== 'lazy') return console.log(port);
  http.get({ host: '127.0.0.1', port, path: '/login' }, (res) => {
    cookie = res.headers['set-cookie'][0].split(';')[0];
    res.resume();
    console.log(port);
  });
});
