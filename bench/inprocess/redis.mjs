// In-process end-to-end benchmark on Redis: this package (with connect-redis,
// with its own RedisStore, and with RedisStore's near-cache) vs express-session
// with connect-redis, against a local redis-server, light-my-request injecting
// into an Express app. Each request reads an existing session and modifies it
// (one GET and one write in Redis), or only reads it (one GET and the touch
// express-session asks for). A bare app does the read-and-modify Redis work by
// hand with no session middleware at all, so the difference to it is what a
// middleware costs on top of the store round trips.
//
//   node bench/inprocess/redis.mjs [--quick]
//
// Variants run interleaved, round by round, in rotating order; figures are
// medians over the rounds. Set REDIS_URL to use a running server instead of
// spawning redis-server.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRedisServer, freePort, spawnRedisServer } from '../../test/helpers/redis-process.mjs';
import { median } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const session = require(root);
const reference = require('express-session');
const express = require('express');
const inject = require('light-my-request');
const { createClient } = require('redis');
const { RedisStore } = require('connect-redis');

const SECRET = 'bench secret';
const MAX_AGE = 3_600_000;

/** A redis-server without persistence in a temp dir (the tests' helper); resolves once it is ready. */
async function startRedis() {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-redis-'));
  const port = await freePort();
  const child = await spawnRedisServer(findRedisServer() ?? 'redis-server', port, dir).catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function countRoute(req, res) {
  req.session.count = (req.session.count ?? 0) + 1;
  res.end(String(req.session.count));
}

function readRoute(req, res) {
  res.end(String(req.session.count));
}

/** Sessions per variant: one per request in flight, as the pinned HTTP section gives every connection its own login. */
const SESSIONS = 16;

/** An app with a session middleware on `store`, and the cookies of SESSIONS existing sessions; `path` is what the variant requests. */
async function sessionApp(name, factory, store, path = '/count') {
  const app = express();
  app.use(factory({ secret: SECRET, resave: false, saveUninitialized: false, store, cookie: { maxAge: MAX_AGE } }));
  app.get('/count', countRoute);
  app.get('/read', readRoute);
  const cookies = [];
  for (let i = 0; i < SESSIONS; i++) {
    const first = await inject(app, { method: 'GET', url: '/count' });
    const setCookie = first.headers['set-cookie'];
    cookies.push((Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]);
  }
  return { name, app, cookies, path, close: () => store.close?.() };
}

/** The same Redis work as a session middleware does per request, written by hand: GET, parse, modify, SET EX. */
async function bareApp(client) {
  const key = 'bare:one-session';
  await client.set(key, JSON.stringify({ cookie: { originalMaxAge: MAX_AGE, path: '/', httpOnly: true }, count: 0 }));
  const app = express();
  app.get('/count', async (req, res, next) => {
    try {
      const data = JSON.parse(await client.get(key));
      data.count += 1;
      await client.set(key, JSON.stringify(data), { expiration: { type: 'EX', value: MAX_AGE / 1000 } });
      res.end(String(data.count));
    } catch (err) {
      next(err);
    }
  });
  return { name: 'bare express + direct redis GET/SET', app, cookies: [] };
}

/** One request of worker `worker`, on that worker's own session. */
function request(variant, worker) {
  const cookie = variant.cookies[worker % SESSIONS];
  return inject(variant.app, { method: 'GET', url: variant.path ?? '/count', headers: cookie ? { cookie } : {} });
}

/**
 * Runs `total` requests with `inFlight` outstanding at a time; returns the
 * elapsed wall-clock ns and this process's CPU ns (user + system). CPU time
 * leaves out the Redis server and the waits, and barely moves when other
 * processes crowd the machine, so it isolates what the Node side costs.
 */
async function timeRequests(variant, total, inFlight) {
  let started = 0;
  const worker = async (_, index) => {
    while (started < total) {
      started++;
      const res = await request(variant, index);
      if (res.statusCode !== 200) throw new Error(`${variant.name}: status ${res.statusCode}: ${res.payload}`);
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const wallNs = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  return { wallNs, cpuNs: (cpu.user + cpu.system) * 1000 };
}

/** Interleaved rounds in rotating order (one warm-up round discarded); medians per variant. */
async function measure(variants, { rounds, perRound, inFlight }) {
  const nsPerOp = new Map(variants.map((v) => [v.name, []]));
  const cpuNsPerOp = new Map(variants.map((v) => [v.name, []]));
  for (let round = -1; round < rounds; round++) {
    const shift = (round + variants.length) % variants.length;
    const order = variants.slice(shift).concat(variants.slice(0, shift));
    for (const variant of order) {
      const { wallNs, cpuNs } = await timeRequests(variant, perRound, inFlight);
      if (round < 0) continue;
      nsPerOp.get(variant.name).push(wallNs / perRound);
      cpuNsPerOp.get(variant.name).push(cpuNs / perRound);
    }
  }
  const results = variants.map((v) => {
    const meanNs = median(nsPerOp.get(v.name));
    return { name: v.name, hz: 1e9 / meanNs, meanNs, rounds };
  });
  const cpuNs = new Map([...cpuNsPerOp].map(([name, values]) => [name, median(values)]));
  return { results, nsPerOp, cpuNs };
}

/**
 * Speed-up of each variant over the baseline from the rounds paired: on a
 * shared machine the load drifts, and a ratio within one round cancels most
 * of that drift. Median and the middle half of the per-round ratios.
 */
function pairedRatioNotes(nsPerOp, baseline) {
  const base = nsPerOp.get(baseline);
  const notes = [];
  for (const [name, values] of nsPerOp) {
    if (name === baseline) continue;
    const ratios = values.map((ns, round) => base[round] / ns).sort((a, b) => a - b);
    const quartile = (q) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
    notes.push(`${name} vs ${baseline}, per-round ratios: median ${median(ratios).toFixed(2)}x (middle half ${quartile(0.25).toFixed(2)}x to ${quartile(0.75).toFixed(2)}x)`);
  }
  return notes;
}

/**
 * What the session layer adds over the bare Redis work, and that addition's
 * share of the whole request: in wall-clock time, and in this process's CPU time.
 */
function overheadNotes(results, cpuNs, bareName) {
  const bare = results.find((r) => r.name === bareName);
  const bareCpu = cpuNs.get(bareName);
  const µs = (ns) => (ns / 1000).toFixed(1);
  return results
    .filter((r) => r !== bare)
    .flatMap((r) => {
      const overheadNs = r.meanNs - bare.meanNs;
      const cpu = cpuNs.get(r.name);
      return [
        `${r.name}: wall ${µs(overheadNs)} µs over bare per request = ${((100 * overheadNs) / r.meanNs).toFixed(1)}% of its time`,
        `${r.name}: CPU ${µs(cpu)} µs per request (bare ${µs(bareCpu)}), session layer ${µs(cpu - bareCpu)} µs = ${((100 * (cpu - bareCpu)) / cpu).toFixed(1)}% of its CPU`,
      ];
    });
}

export async function run({ quick = false } = {}) {
  let server;
  if (!process.env.REDIS_URL) {
    try {
      server = await startRedis();
    } catch (err) {
      if (process.env.CI) throw err;
      console.warn(`redis-inprocess: skipped, redis-server could not start (${err.message})`);
      return [];
    }
  }
  const client = createClient({ url: process.env.REDIS_URL || server.url });
  client.on('error', (err) => console.error('redis client error:', err.message));
  await client.connect();

  const opened = [];
  const variantsFor = async (path) => {
    const variants = [
      await sessionApp('express-session + connect-redis', reference, new RedisStore({ client, prefix: 'bench-ref:' }), path),
      await sessionApp('wasm-session + connect-redis', session, new RedisStore({ client, prefix: 'bench-ours:' }), path),
      await sessionApp('wasm-session + RedisStore', session, new session.RedisStore({ client, prefix: 'bench-rs:' }), path),
      await sessionApp('wasm-session + RedisStore, near-cache', session, new session.RedisStore({ client, prefix: 'bench-rsc:', cache: { maxEntries: 1000 } }), path),
    ];
    opened.push(...variants);
    return variants;
  };
  try {
    const bare = await bareApp(client);
    const modifying = [...(await variantsFor('/count')), bare];
    const reading = await variantsFor('/read');
    // Let the near-cache connections come up before anything is timed.
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Many short rounds: the machine is shared, and short interleaved rounds keep load bursts out of the medians.
    const settings = quick ? { rounds: 3, perRound: 150 } : { rounds: 21, perRound: 400 };
    const baseline = 'express-session + connect-redis';
    const groups = [];
    for (const inFlight of [1, 16]) {
      const { results, nsPerOp, cpuNs } = await measure(modifying, { ...settings, inFlight });
      groups.push({
        group: `redis, existing session read + modified, ${inFlight === 1 ? 'sequential' : `${inFlight} in flight`}`,
        baseline,
        results,
        notes: [...pairedRatioNotes(nsPerOp, baseline), ...overheadNotes(results, cpuNs, bare.name)],
      });
    }
    const { results, nsPerOp } = await measure(reading, { ...settings, inFlight: 16 });
    groups.push({ group: 'redis, existing session read only (maxAge: touched), 16 in flight', baseline, results, notes: pairedRatioNotes(nsPerOp, baseline) });
    return groups;
  } finally {
    await Promise.all(opened.map((variant) => variant.close()));
    await client.close();
    await server?.stop();
  }
}

function printTable(groups) {
  for (const { group, baseline, results, notes } of groups) {
    const base = results.find((r) => r.name === baseline);
    console.log(`\n${group}`);
    console.table(
      results.map((r) => ({
        name: r.name,
        'req/s': Math.round(r.hz),
        'mean µs': (r.meanNs / 1000).toFixed(1),
        [`vs ${baseline}`]: `${(r.hz / base.hz).toFixed(2)}x`,
        rounds: r.rounds,
      })),
    );
    for (const note of notes ?? []) console.log(`  ${note}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printTable(await run({ quick: process.argv.includes('--quick') }));
}
