// bench/micro/cookie-kernels.mjs — the per-request cookie work of the session
// middleware: read-and-verify the session cookie, sign + Set-Cookie, and
// genid, each against what express-session does (cookie@0.7.2 +
// cookie-signature@1.0.7 + uid-safe, the versions it pins) and against the
// latest cookie / cookie-signature. Imports the BUILT package: run `npm run build` first.
//
//   node bench/micro/cookie-kernels.mjs [--quick]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { renderMicroGroup } from '../lib/micro.mjs';
import { measureMicroGroups } from '../lib/micro-rounds.mjs';

const require = createRequire(import.meta.url);
const { createSessionIdCodec } = require('../../dist/cookie-codec/codec.js');
const { SetCookieSerializer } = require('../../dist/cookie-codec/set-cookie.js');
const { generateSessionId } = require('../../dist/session/genid.js');
const cookiePinned = require('cookie');
const signaturePinned = require('cookie-signature');
const cookieLatest = createRequire(require.resolve('light-my-request'))('cookie');
const signatureLatest = require('cookie-signature-latest');
const uid = require('uid-safe');

const NAME = 'connect.sid';
const SECRET = 'keyboard cat';
/** Operations per timed call, so tinybench's own per-sample overhead stays negligible next to sub-microsecond work. */
const BATCH = 64;

// Realistic inputs: browser-style headers with other cookies around ours, the value percent-encoded.
const ids = Array.from({ length: BATCH }, () => uid.sync(24));
const headers = ids.map(
  (id, i) => `_ga=GA1.2.${1000 + i}.1700000000; ${NAME}=${encodeURIComponent('s:' + signaturePinned.sign(id, SECRET))}; theme=dark`,
);
const sessionCookie = { path: '/', httpOnly: true, secure: false, domain: undefined, sameSite: undefined, priority: undefined, partitioned: undefined, originalMaxAge: null, expires: undefined };
const DAY = 86_400_000;

let sink = 0;
const consume = (value) => {
  sink ^= value === undefined || value === false ? 1 : value.length;
};

function readReference(cookie, parse, signature) {
  return (header) => {
    const raw = parse.call(cookie, header)[NAME];
    if (!raw || raw.slice(0, 2) !== 's:') return undefined;
    return signature.unsign(raw.slice(2), SECRET);
  };
}

/** Each group: contenders as (name, fn) where fn does BATCH operations. */
function groups() {
  const codec = createSessionIdCodec(NAME, [SECRET]);
  const setCookie = new SetCookieSerializer();
  const readPinned = readReference(cookiePinned, cookiePinned.parse, signaturePinned);
  const readLatest = readReference(cookieLatest, cookieLatest.parseCookie, signatureLatest);
  const batch = (op) => () => {
    for (let i = 0; i < BATCH; i++) consume(op(i));
  };
  const withExpires = (i) => ({ ...sessionCookie, expires: new Date(Date.now() + DAY + i) });
  return [
    {
      group: 'read-and-verify session cookie',
      baseline: 'cookie@0.7.2 parse + cookie-signature@1.0.7 unsign',
      contenders: [
        ['cookie@0.7.2 parse + cookie-signature@1.0.7 unsign', batch((i) => readPinned(headers[i]))],
        ['cookie@latest parse + cookie-signature@latest unsign', batch((i) => readLatest(headers[i]))],
        ['wasm-session codec.readFromHeader', batch((i) => codec.readFromHeader(headers[i]))],
      ],
    },
    {
      group: 'sign + Set-Cookie (default session cookie)',
      baseline: 'cookie-signature@1.0.7 sign + cookie@0.7.2 serialize',
      contenders: [
        ['cookie-signature@1.0.7 sign + cookie@0.7.2 serialize', batch((i) => cookiePinned.serialize(NAME, 's:' + signaturePinned.sign(ids[i], SECRET), sessionCookie))],
        ['cookie-signature@latest sign + cookie@latest stringifySetCookie', batch((i) => cookieLatest.stringifySetCookie({ ...sessionCookie, name: NAME, value: 's:' + signatureLatest.sign(ids[i], SECRET) }))],
        ['wasm-session codec.sign + SetCookieSerializer', batch((i) => setCookie.serialize(NAME, codec.sign(ids[i]), sessionCookie, codec))],
      ],
    },
    {
      group: 'sign + Set-Cookie with Expires (maxAge set)',
      baseline: 'cookie-signature@1.0.7 sign + cookie@0.7.2 serialize',
      contenders: [
        ['cookie-signature@1.0.7 sign + cookie@0.7.2 serialize', batch((i) => cookiePinned.serialize(NAME, 's:' + signaturePinned.sign(ids[i], SECRET), withExpires(i)))],
        ['wasm-session codec.sign + SetCookieSerializer', batch((i) => setCookie.serialize(NAME, codec.sign(ids[i]), withExpires(i), codec))],
      ],
    },
    {
      group: 'genid (24 random bytes, 32 base64url chars)',
      baseline: 'uid-safe sync(24)',
      contenders: [
        ['uid-safe sync(24)', batch(() => uid.sync(24))],
        ['wasm-session generateSessionId', batch(() => generateSessionId())],
      ],
    },
  ];
}

export async function run({ quick = false } = {}) {
  const out = await measureMicroGroups(groups(), { rounds: quick ? 2 : 15, time: quick ? 40 : 150, batch: BATCH });
  if (sink === 0.5) console.log(sink);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const group of await run({ quick: process.argv.includes('--quick') })) console.log(`\n${renderMicroGroup(group)}`);
}
