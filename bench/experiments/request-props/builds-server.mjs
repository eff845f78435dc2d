// One server of builds-ab.mjs: the bench app (bench/lib/app.mjs) behind the
// wasm-session build in .ab/<name>/dist (default options, MemoryStore), or
// with no session for "bare". Logs in once and prints its port and cookie.
import http from 'node:http';
import { createRequire } from 'node:module';
import { createBenchApp } from '../../lib/app.mjs';

const root = new URL('../../../', import.meta.url).pathname;
const name = process.argv[2];
let middleware = null;
if (name !== 'bare') {
  const session = createRequire(`${root}package.json`)(`${root}.ab/${name}/dist/index.js`);
  middleware = session({ secret: 'bench secret', resave: false, saveUninitialized: false });
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
