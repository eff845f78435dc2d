// One server of builds-ab.mjs: the bench app (bench/lib/app.mjs) behind the
// wasm-session build in .ab/<name>/dist (default options, MemoryStore), with
// no session for "bare", or behind express-session + its MemoryStore for
// "express-session" ("express-session+normalized": after the request and
// response normalization of src/request/dictionary-mode.ts). Logs in once
// and prints its port and cookie.
import http from 'node:http';
import { createRequire } from 'node:module';
import { createBenchApp } from '../../lib/app.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const name = process.argv[2];
const requireFromRoot = createRequire(`${root}package.json`);
const options = { secret: 'bench secret', resave: false, saveUninitialized: false };
let middleware = null;
if (name.startsWith('express-session')) {
  // express-session as shipped, or behind the same normalization (from the repo's own build).
  const session = requireFromRoot('express-session')(options);
  const { toDictionaryMode } = requireFromRoot('./dist/request/dictionary-mode.js');
  middleware = name.endsWith('+normalized')
    ? (req, res, next) => {
        toDictionaryMode(req);
        toDictionaryMode(res);
        session(req, res, next);
      }
    : session;
} else if (name !== 'bare') {
  middleware = requireFromRoot(`${root}.ab/${name}/dist/index.js`)(options);
}
const server = createBenchApp(middleware).listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const login = http.request({ host: '127.0.0.1', port, path: '/login', method: 'POST' }, (res) => {
    const setCookie = res.headers['set-cookie'];
    res.resume();
    console.log(JSON.stringify({ port, cookie: setCookie ? setCookie[0].split(';')[0] : '' }));
  });
  login.end();
});
