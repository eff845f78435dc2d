// bench/standalone/long-cookie-header.mjs — a Cookie header of ~1 MB (100,000
// small cookies, the session cookie last or absent), read by wasm-session's
// codec against express-session's path (cookie@0.7.2 parse + cookie-signature
// unsign) and against doing nothing; then whole requests carrying it,
// injected with light-my-request (in-process injection has no header size
// limit) into the shared bench app: bare Express, express-session,
// wasm-session. Extra shapes and sizes show the time grows linearly.
// Imports the BUILT package: run `npm run build` first.
//
//   node bench/standalone/long-cookie-header.mjs [--quick]
import { performance } from 'node:perf_hooks';
import { createBenchApp } from '../lib/app.mjs';
import { median } from '../lib/stats.mjs';
import { loadBuiltPackage, requireFromRoot } from '../lib/packages.mjs';

const { createSessionIdCodec } = requireFromRoot('./dist/cookie-codec/codec.js');
const wasmSession = loadBuiltPackage();
const expressSession = requireFromRoot('express-session');
const cookie = requireFromRoot('cookie');
const signature = requireFromRoot('cookie-signature');
const inject = requireFromRoot('light-my-request');

const NAME = 'connect.sid';
const SECRET = 'keyboard cat';
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const CALLS_PER_ROUND = quick ? 3 : 5;

/** `count` cookies of 8 characters each, '; ' between them: 10 characters per cookie. */
const smallCookies = (count) => Array.from({ length: count }, (_, i) => `c${i.toString(36).padStart(4, '0')}=vv`).join('; ');
const signedCookie = (id) => `${NAME}=${encodeURIComponent('s:' + signature.sign(id, SECRET))}`;
const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';

let sink = 0;
const consume = (value) => {
  sink ^= typeof value === 'string' ? value.length : 1;
};

const codec = createSessionIdCodec(NAME, [SECRET]);
const readers = {
  nothing: (header) => header.length,
  'express-session path (cookie.parse + unsign)': (header) => {
    const raw = cookie.parse(header)[NAME];
    return raw && raw.slice(0, 2) === 's:' ? signature.unsign(raw.slice(2), SECRET) : undefined;
  },
  'wasm-session codec.readFromHeader': (header) => codec.readFromHeader(header),
};

/** Median ms per call of each reader on `header`, rounds interleaved with a rotating start. */
function timeReaders(header, expected) {
  const names = Object.keys(readers);
  for (const name of names.slice(1)) {
    const got = readers[name](header);
    if (got !== expected) throw new Error(`${name} read ${got}, expected ${expected}`);
  }
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const read = readers[name];
      const started = performance.now();
      for (let i = 0; i < CALLS_PER_ROUND; i++) consume(read(header));
      samples[name].push((performance.now() - started) / CALLS_PER_ROUND);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]));
}

async function timeRequests(header) {
  const stores = { es: new expressSession.MemoryStore(), ws: new wasmSession.MemoryStore() };
  const apps = {
    'bare Express': createBenchApp(null),
    'express-session': createBenchApp(expressSession({ secret: SECRET, resave: false, saveUninitialized: false, store: stores.es })),
    'wasm-session': createBenchApp(wasmSession({ secret: SECRET, resave: false, saveUninitialized: false, store: stores.ws })),
  };
  // A real session per middleware, its cookie last in the long header.
  const cookies = {};
  for (const name of ['express-session', 'wasm-session']) {
    const login = await inject(apps[name], { method: 'POST', url: '/login' });
    cookies[name] = [].concat(login.headers['set-cookie'])[0].split(';')[0];
  }
  const names = Object.keys(apps);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const headers = { cookie: cookies[name] ? `${header}; ${cookies[name]}` : header };
      const times = [];
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        const started = performance.now();
        const response = await inject(apps[name], { method: 'GET', url: '/read', headers });
        times.push(performance.now() - started);
        const expected = name === 'bare Express' ? 'anonymous' : 'bench-user';
        if (response.payload !== expected) throw new Error(`${name} answered ${response.payload}`);
      }
      samples[name].push(median(times));
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])]));
}

const ms = (value) => `${value.toFixed(3)} ms`;

function printTable(title, rows) {
  console.log(`\n${title}`);
  const columns = Object.keys(rows[0].times);
  console.log(`| header | ${columns.join(' | ')} |`);
  console.log(`|---|${columns.map(() => '---:').join('|')}|`);
  for (const row of rows) console.log(`| ${row.label} | ${columns.map((c) => ms(row.times[c])).join(' | ')} |`);
}

const bulk = smallCookies(100_000);
const shapes = [
  ['1 MB, 100,000 cookies, ours last', `${bulk}; ${signedCookie(ID)}`, ID],
  ['1 MB, 100,000 cookies, ours first', `${signedCookie(ID)}; ${bulk}`, ID],
  ['1 MB, 100,000 cookies, ours absent', bulk, undefined],
  ['1 MB, 333,333 pairs "a=;"', 'a=;'.repeat(333_333), undefined],
  ['1 MB, one pair', `big=${'x'.repeat(1_000_000)}; ${signedCookie(ID)}`, ID],
  ['1 MB of spaces before "="', `${' '.repeat(1_000_000)}=x; ${signedCookie(ID)}`, ID],
];
const scaling = [25_000, 100_000, 400_000].map((count) => [`${(count / 100_000).toFixed(2)} MB, ${count.toLocaleString('en-US')} cookies, ours last`, `${smallCookies(count)}; ${signedCookie(ID)}`, ID]);

console.log(`Node ${process.version}; ${ROUNDS} interleaved rounds of ${CALLS_PER_ROUND} calls; medians (ms per call or request)`);
printTable(
  'Reading the session ID from the Cookie header',
  [...shapes, ...scaling].map(([label, header, expected]) => ({ label: `${label} (${header.length.toLocaleString('en-US')} chars)`, times: timeReaders(header, expected) })),
);
printTable('Whole GET /read requests (light-my-request), session cookie last', [{ label: `1 MB, 100,000 cookies`, times: await timeRequests(bulk) }]);
if (sink === 0.5) console.log(sink);
