// One server of builds-ab.mjs: the bench app (bench/lib/app.mjs) behind a
// bench contender named by its id (bench/lib/contenders.mjs: "bare",
// "bare-normalized", "express-session", "express-session-normalized", ...),
// or, for any other name, behind the wasm-session build in .ab/<name>/dist
// (default options, MemoryStore). Logs in once and prints its port and cookie.
import http from 'node:http';
import { createRequire } from 'node:module';
import { createBenchApp } from '../../lib/app.mjs';
import { contenderById } from '../../lib/contenders.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const name = process.argv[2];

function middlewareFor(name) {
  let contender;
  try {
    contender = contenderById(name);
  } catch {
    // Not a contender: a build of this repository.
    const session = createRequire(`${root}package.json`)(`${root}.ab/${name}/dist/index.js`);
    return session({ secret: 'bench secret', resave: false, saveUninitialized: false });
  }
  return contender.create().middleware;
}

const server = createBenchApp(middlewareFor(name)).listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const login = http.request({ host: '127.0.0.1', port, path: '/login', method: 'POST' }, (res) => {
    const setCookie = res.headers['set-cookie'];
    res.resume();
    console.log(JSON.stringify({ port, cookie: setCookie ? setCookie[0].split(';')[0] : '' }));
  });
  login.end();
});
