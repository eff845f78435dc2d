/**
 * The response hooks (installed once on ServerResponse.prototype, own
 * wrappers only where other code wrapped the response first) against
 * express-session, in the app shapes that wrap or bypass `res.end` and
 * `res.writeHead`: mounted sub-apps (Express re-parents req and res there),
 * Express 4 and 5, compression before and after the session middleware,
 * plain `http` + connect, streamed responses, flushHeaders, HEAD, and the
 * app's own writeHead. Each shape runs the same requests under both
 * packages; status, body, the headers that matter and the Set-Cookie's
 * shape must match request by request.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import * as http from 'node:http';
import { express4, express5, httpRequest, listen, type HttpResult } from './helpers/differential';

const require = createRequire(import.meta.url);
const reference = require('express-session');
const ours = require('../dist/index.js');
const compression = require('compression');
const connect = require('connect');

type Pkg = typeof ours;
type Handler = (req: any, res: any) => void;

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** A body above compression's 1 kB threshold, so that it actually compresses. */
const BIG = 'x'.repeat(4096);

/** The routes every shape serves: count views, stream, flush, writeHead, and a big body. */
const routes: Record<string, Handler> = {
  '/count': (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.end(`views=${req.session.views}`);
  },
  '/read': (req, res) => res.end(`views=${req.session.views ?? 0}`),
  '/stream': (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.write('a');
    res.write('b');
    res.end(`c${req.session.views}`);
  },
  '/flush': (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.flushHeaders();
    res.end(`flushed${req.session.views}`);
  },
  '/writehead': (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.writeHead(201, { 'X-App': 'yes', 'Content-Type': 'text/plain' });
    res.end(`created${req.session.views}`);
  },
  '/big': (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.setHeader('Content-Type', 'text/plain');
    res.end(BIG + req.session.views);
  },
};

function dispatch(req: any, res: any, next: (err?: unknown) => void): void {
  const path = (req.url as string).split('?')[0].replace(/^\/sub/, '');
  const route = routes[path];
  if (route) route(req, res);
  else next();
}

const options = { secret: 'hooks matrix', resave: false, saveUninitialized: false, cookie: { maxAge: 60_000 } };

/** The app shapes, each built for one package. */
const shapes: Record<string, (pkg: Pkg) => http.RequestListener> = {
  'express 4': (pkg) => express4().use(pkg(options)).use(dispatch),
  'express 5': (pkg) => express5().use(pkg(options)).use(dispatch),
  'express 4, mounted sub-app': (pkg) => {
    const sub = express4();
    sub.use(pkg(options));
    sub.use(dispatch);
    return express4().use('/sub', sub);
  },
  'express 5, mounted sub-app': (pkg) => {
    const sub = express5();
    sub.use(pkg(options));
    sub.use(dispatch);
    return express5().use('/sub', sub);
  },
  'compression before the session': (pkg) => express4().use(compression()).use(pkg(options)).use(dispatch),
  'compression after the session': (pkg) => express4().use(pkg(options)).use(compression()).use(dispatch),
  'plain http + connect': (pkg) => connect().use(pkg(options)).use(dispatch),
};

const PREFIXED = new Set(['express 4, mounted sub-app', 'express 5, mounted sub-app']);

/** What must match: status, body, the app's and the encoding headers, and the Set-Cookie without its ID and date. */
function observable(result: HttpResult): unknown {
  const setCookie = (result.headers['set-cookie'] ?? []).map((line) =>
    line.replace(/=s%3A[^;]+/, '=<sid>').replace(/Expires=[^;]+/, 'Expires=<date>'),
  );
  return {
    status: result.status,
    body: result.body.length > 100 ? `${result.body.length} bytes ending ${result.body.slice(-3)}` : result.body,
    encoding: result.headers['content-encoding'],
    app: result.headers['x-app'],
    type: result.headers['content-type'],
    setCookie,
  };
}

/** The requests of one run: each route on a new session, then with the session's cookie, then HEAD. */
async function run(pkg: Pkg, shape: string): Promise<unknown[]> {
  const server = await listen(shapes[shape](pkg));
  closers.push(server.close);
  const prefix = PREFIXED.has(shape) ? '/sub' : '';
  const out: unknown[] = [];
  let cookie = '';
  const send = async (path: string, method = 'GET') => {
    const headers: Record<string, string> = { 'Accept-Encoding': 'identity' };
    if (path === '/big') headers['Accept-Encoding'] = 'gzip';
    if (cookie) headers.Cookie = cookie;
    const result = await httpRequest(server.port, prefix + path, headers, method);
    const set = result.headers['set-cookie']?.[0];
    if (set) cookie = set.split(';')[0];
    out.push([method, path, observable(result)]);
  };
  for (const path of Object.keys(routes)) await send(path);
  for (const path of Object.keys(routes)) await send(path);
  await send('/read', 'HEAD');
  await send('/count', 'HEAD');
  await send('/read');
  return out;
}

describe('the response hooks in every app shape, against express-session', () => {
  it.each(Object.keys(shapes))('%s', async (shape) => {
    const expected = await run(reference, shape);
    const actual = await run(ours, shape);
    expect(actual).toEqual(expected);
    // The runs did what they claim: sessions were set, counted and compressed where asked.
    const flat = JSON.stringify(expected);
    expect(flat).toMatch(/views=([2-9]|\d\d)/);
    expect(flat).toContain('<sid>');
    if (shape.startsWith('compression')) expect(flat).toContain('"encoding":"gzip"');
  });
});
