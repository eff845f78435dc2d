#!/usr/bin/env node
// Soak: a bounded load over real HTTP on 127.0.0.1 against an Express app
// behind wasm-session, watching the server process for growth. The server
// runs in a child process (so the load generator's own memory does not
// count) and reports its JS heap (after a full GC), RSS and the number of
// sessions its store holds, including expired ones not yet swept.
//
// Traffic: virtual clients log in (a new session, saved), make a few reads
// and writes with their cookie, then leave; some send forged or unsigned
// cookies. Cookies live `--max-age` ms, so sessions keep expiring and the
// store must keep sweeping them. After the load, the script waits past the
// expiry plus a sweep and checks that the store emptied.
//
//   node bench/soak/run.mjs                          # both stores, 1,000,000 requests or 240 s each
//   node bench/soak/run.mjs --store memory --requests 50000 --json
//   node bench/soak/run.mjs --store lmdb --duration 120
//
// Exit code 1 when a check fails (errors, heap or RSS growth past the
// limits, sessions left after expiry). Not part of npm test; the test
// test/hardening-soak.test.ts runs a short variant.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '..', '..');
const require = createRequire(import.meta.url);

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'both' },
    requests: { type: 'string', default: '1000000' },
    duration: { type: 'string', default: '240' },
    connections: { type: 'string', default: '32' },
    'max-age': { type: 'string', default: '3000' },
    'requests-per-client': { type: 'string', default: '8' },
    'sample-every': { type: 'string', default: '2000' },
    'max-heap-growth-mb': { type: 'string', default: '16' },
    'max-rss-growth-mb': { type: 'string', default: '64' },
    json: { type: 'boolean', default: false },
    serve: { type: 'string' },
  },
});

const SECRET = 'soak secret';

if (args.serve !== undefined) {
  await serve(args.serve);
} else {
  await main();
}

// ---------------------------------------------------------------------------
// Server (child process)

async function serve(kind) {
  const session = require(root);
  const express = require('express');
  const maxAge = Number(args['max-age']);
  let store;
  let rawCount;
  let dir;
  if (kind === 'memory') {
    store = new session.MemoryStore({ sweepInterval: 250 });
    rawCount = () => store.stats().entries;
  } else {
    dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-soak-'));
    store = new session.LmdbStore({ path: dir, sweepInterval: 1000 });
    const lmdb = require('lmdb');
    const data = lmdb.open({ path: dir, maxDbs: 8 }).openDB({ name: 'session-data' });
    rawCount = () => data.getCount();
  }
  let errors = 0;
  const app = express();
  app.use(session({ secret: SECRET, resave: false, saveUninitialized: false, store, cookie: { maxAge } }));
  app.post('/login', (req, res, next) =>
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = 'soak';
      req.session.views = 0;
      res.send('welcome');
    }),
  );
  app.get('/read', (req, res) => res.send(req.session.user ?? 'anonymous'));
  app.get('/modify', (req, res) => {
    req.session.views = (req.session.views ?? 0) + 1;
    req.session.note = 'x'.repeat(req.session.views % 64);
    res.send(String(req.session.views));
  });
  app.use((err, _req, res, _next) => {
    errors++;
    res.status(500).send(String(err.code ?? err.message));
  });
  const server = http.createServer({ keepAliveTimeout: 30_000 }, app).listen(0, '127.0.0.1', () => {
    process.send({ type: 'listening', port: server.address().port });
  });
  process.on('message', (message) => {
    if (message.type === 'sample') {
      global.gc();
      const memory = process.memoryUsage();
      process.send({ type: 'sample', heapUsed: memory.heapUsed, rss: memory.rss, sessions: rawCount(), errors });
    } else if (message.type === 'stop') {
      server.close();
      server.closeAllConnections();
      Promise.resolve(store.close?.()).then(() => {
        if (dir) rmSync(dir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
}

// ---------------------------------------------------------------------------
// Load generator (parent)

async function main() {
  const kinds = args.store === 'both' ? ['memory', 'lmdb'] : [args.store];
  const results = [];
  for (const kind of kinds) results.push(await soak(kind));
  if (args.json) process.stdout.write(JSON.stringify(results) + '\n');
  else for (const r of results) printResult(r);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}

function startServer(kind) {
  const child = fork(here, ['--serve', kind, '--max-age', args['max-age']], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  child.on('message', (m) => {
    const resolve = waiting.get(m.type);
    if (resolve) {
      waiting.delete(m.type);
      resolve(m);
    }
  });
  const next = (type) => new Promise((resolve) => waiting.set(type, resolve));
  return {
    child,
    listening: next('listening'),
    sample: () => {
      const reply = next('sample');
      child.send({ type: 'sample' });
      return reply;
    },
    stop: () => new Promise((resolve) => {
      child.once('exit', resolve);
      child.send({ type: 'stop' });
    }),
  };
}

function request(agent, port, method, urlPath, cookie) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent, headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, setCookie: res.headers['set-cookie'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function soak(kind) {
  const server = startServer(kind);
  const { port } = await server.listening;
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number(args.connections) });
  const totalRequests = Number(args.requests);
  const deadline = Number(args.duration) > 0 ? Date.now() + Number(args.duration) * 1000 : Infinity;
  const perClient = Number(args['requests-per-client']);
  let sent = 0;
  let failed = 0;
  let bogus = 0;
  const samples = [];
  const started = Date.now();

  const sampler = setInterval(async () => {
    const s = await server.sample();
    samples.push({ t: Date.now() - started, requests: sent, ...s });
  }, Number(args['sample-every']));

  const more = () => sent < totalRequests && Date.now() < deadline;
  async function client() {
    while (more()) {
      sent++;
      const login = await request(agent, port, 'POST', '/login');
      if (login.status !== 200) failed++;
      const cookie = String(login.setCookie?.[0] ?? '').split(';')[0];
      for (let i = 0; i < perClient && more(); i++) {
        sent++;
        const r = i % 3 === 0 ? 'read' : 'modify';
        // One request in 8 carries a forged or unsigned cookie instead.
        let sendCookie = cookie;
        if (i === perClient - 1) {
          bogus++;
          sendCookie = i % 2 ? cookie.replace(/.$/, 'A') : 'connect.sid=' + cookie.slice(14, 40);
        }
        const res = await request(agent, port, 'GET', '/' + r, sendCookie);
        if (res.status !== 200) failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: Number(args.connections) }, client));
  const loadMs = Date.now() - started;
  clearInterval(sampler);
  agent.destroy();
  const atEnd = await server.sample();
  // Past the last cookie's expiry, plus sweeps.
  await new Promise((r) => setTimeout(r, Number(args['max-age']) + 2500));
  const afterExpiry = await server.sample();
  await server.stop();

  // Flatness: the warm-up (first quarter of the samples) against the rest.
  const warm = samples.slice(Math.floor(samples.length / 4));
  const first = warm[0] ?? atEnd;
  const heapGrowthMb = (Math.max(...warm.map((s) => s.heapUsed), atEnd.heapUsed) - first.heapUsed) / 2 ** 20;
  const rssGrowthMb = (Math.max(...warm.map((s) => s.rss), atEnd.rss) - first.rss) / 2 ** 20;
  const peakSessions = Math.max(...samples.map((s) => s.sessions), atEnd.sessions);
  const checks = {
    noFailedRequests: failed === 0 && atEnd.errors === 0,
    heapFlat: heapGrowthMb <= Number(args['max-heap-growth-mb']),
    rssFlat: rssGrowthMb <= Number(args['max-rss-growth-mb']),
    sessionsSweptAfterExpiry: afterExpiry.sessions === 0,
  };
  return {
    store: kind,
    requests: sent,
    bogus,
    failed,
    serverErrors: atEnd.errors,
    seconds: +(loadMs / 1000).toFixed(1),
    requestsPerSecond: Math.round(sent / (loadMs / 1000)),
    heapMb: { firstAfterWarmup: mb(first.heapUsed), max: mb(Math.max(...warm.map((s) => s.heapUsed), atEnd.heapUsed)), end: mb(atEnd.heapUsed) },
    rssMb: { firstAfterWarmup: mb(first.rss), max: mb(Math.max(...warm.map((s) => s.rss), atEnd.rss)), end: mb(atEnd.rss) },
    heapGrowthMb: +heapGrowthMb.toFixed(1),
    rssGrowthMb: +rssGrowthMb.toFixed(1),
    sessions: { peak: peakSessions, atEnd: atEnd.sessions, afterExpiry: afterExpiry.sessions },
    samples: samples.length,
    checks,
    ok: Object.values(checks).every(Boolean),
  };
}

function mb(bytes) {
  return +(bytes / 2 ** 20).toFixed(1);
}

function printResult(r) {
  console.log(`\n${r.store}: ${r.requests} requests (${r.bogus} with bogus cookies) in ${r.seconds} s, ${r.requestsPerSecond} req/s, ${r.failed} failed`);
  console.log(`  heap after GC: ${r.heapMb.firstAfterWarmup} MB after warm-up, max ${r.heapMb.max} MB, end ${r.heapMb.end} MB (growth ${r.heapGrowthMb} MB)`);
  console.log(`  RSS: ${r.rssMb.firstAfterWarmup} MB after warm-up, max ${r.rssMb.max} MB, end ${r.rssMb.end} MB (growth ${r.rssGrowthMb} MB)`);
  console.log(`  sessions in the store: peak ${r.sessions.peak}, at end ${r.sessions.atEnd}, after expiry + sweep ${r.sessions.afterExpiry}`);
  console.log(`  checks: ${Object.entries(r.checks).map(([k, v]) => `${k} ${v ? 'ok' : 'FAILED'}`).join(', ')}`);
}
