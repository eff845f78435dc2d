// Runner side of the real-HTTP benchmarks: start a server process (pinned to
// a core when asked), talk to it over IPC, and, for the fresh-server method of
// the cluster section, load it with autocannon from this process.
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitForMessage } from '../lib/ipc.mjs';
import { requireFromRoot } from '../lib/packages.mjs';
import { pinnedCommand, pinningAvailable } from '../lib/pinning.mjs';
import { percentileOfSorted } from '../lib/stats.mjs';

const autocannon = requireFromRoot('autocannon');
const START_TIMEOUT_MS = 30_000;

/**
 * Forks `script` with `args` and waits for its { type: 'listening', port }.
 * With `cpu`, the server runs under `taskset -c cpu` (taskset execs node, so
 * the pid and the IPC channel are node's own); unpinned when taskset is absent.
 * `env` is added to this process's environment (how a server learns where Redis is).
 * @param {string} scriptUrl @param {string[]} args
 * @param {{ cpu?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<{ port: number, pid: number, pinned: boolean, stats: () => Promise<{ cpuUs: number, requests: number }>,
 *   ask: (type: string, fields?: object) => Promise<any>, stop: () => Promise<void> }>}
 */
export async function startServer(scriptUrl, args, { cpu, env } = {}) {
  const pinned = cpu !== undefined && pinningAvailable();
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc'];
  const childEnv = env === undefined ? process.env : { ...process.env, ...env };
  let child;
  if (pinned) {
    const { command, args: pinnedArgs } = pinnedCommand({
      cpu,
      command: process.execPath,
      args: [fileURLToPath(new URL(scriptUrl)), ...args],
      canPin: true,
    });
    child = spawn(command, pinnedArgs, { stdio, env: childEnv });
  } else {
    child = fork(new URL(scriptUrl), args, { stdio, env: childEnv });
  }
  const exited = once(child, 'exit').then(([code, signal]) => {
    throw new Error(`server ${args.join(' ')} exited early (code ${code}, signal ${signal})`);
  });
  exited.catch(() => {}); // observed below and in stats(); unobserved otherwise once stopped
  const port = await Promise.race([
    waitForMessage(child, 'listening').then((m) => m.port),
    exited,
    timeout(START_TIMEOUT_MS, `server ${args.join(' ')} did not report a port`),
  ]);
  /** One request/reply over IPC: sends { type, ...fields }, resolves with the reply of the same type. */
  const ask = async (type, fields = {}) => {
    const reply = waitForMessage(child, type);
    child.send({ type, ...fields });
    return Promise.race([reply, exited]);
  };
  return {
    port,
    pid: child.pid,
    pinned,
    ask,
    async stats() {
      const reply = waitForMessage(child, 'stats');
      child.send({ type: 'stats' });
      const { cpuUs, requests } = await Promise.race([reply, exited]);
      return { cpuUs, requests };
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** One request over HTTP, in the shape session-cookies.mjs expects. */
export async function sendHttp(port, { method, path, cookie }) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: cookie ? { cookie } : {} });
  return { status: response.status, setCookie: response.headers.getSetCookie(), body: await response.text() };
}

/**
 * Closed-loop autocannon load, one keep-alive connection per cookie. The
 * server's CPU time is read before and after, so it covers this load only.
 * @returns {Promise<import('../lib/e2e-summary.mjs').LoadSample>}
 */
export async function autocannonLoad(server, route, cookies, durationS) {
  const before = await server.stats();
  let nextConnection = 0;
  const latencies = [];
  const tracker = autocannon({
    url: `http://127.0.0.1:${server.port}${route.path}`,
    method: route.method,
    connections: cookies.length,
    duration: durationS,
    setupClient(client) {
      const cookie = cookies[nextConnection++ % cookies.length];
      if (cookie) client.setHeaders({ cookie });
    },
  });
  // autocannon's own histogram keeps whole milliseconds; its events carry the exact time.
  tracker.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await tracker;
  latencies.sort((a, b) => a - b);
  const after = await server.stats();
  const served = after.requests - before.requests;
  const ok = result['2xx'];
  return {
    reqPerSec: ok / result.duration,
    p50Ms: percentileOfSorted(latencies, 50),
    p99Ms: percentileOfSorted(latencies, 99),
    cpuUsPerReq: served > 0 ? (after.cpuUs - before.cpuUs) / served : NaN,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function timeout(ms, message) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref());
}
