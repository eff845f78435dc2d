// The warm, pinned servers of a real-HTTP section (issue 14's method): one
// process per (contender, configuration) on the server core, one checked
// session cookie each, and one load burst at a time against any of them.
// Shared by the memory-store section (run.mjs) and the Redis one (redis.mjs).
import { isSessionless } from '../lib/contenders.mjs';
import { serverKey } from '../lib/http-scenarios.mjs';
import { SERVER_CPU } from '../lib/pinning.mjs';
import { clockTicksPerSecond, cpuUsPerRequest, procStatAvailable, readCpuTicks } from '../lib/proc-cpu.mjs';
import { preCreateSessions } from '../lib/session-cookies.mjs';
import { sendHttp, startServer } from './http-load.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).href;

/**
 * Starts every server (pinned), checks each hands out a working session, and
 * keeps one cookie per server. Bare Express gets the reference's cookie so
 * every contender receives the same request bytes.
 * @param {Array<{ key: string, contenderId: string, config: string }>} needed see serversNeeded
 * @param {{ env?: Record<string, string> }} [options] added to every server's environment
 */
export async function startFleet(needed, { env } = {}) {
  const servers = new Map();
  const cookies = new Map();
  try {
    // Started together: they share core 0, but their start-up waits overlap.
    const started = await Promise.allSettled(needed.map(({ contenderId, config }) => startServer(SERVER, [contenderId, config], { cpu: SERVER_CPU, env })));
    started.forEach((outcome, i) => outcome.status === 'fulfilled' && servers.set(needed[i].key, outcome.value));
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    for (const { key, contenderId } of needed) {
      if (isSessionless(contenderId)) continue;
      const server = servers.get(key);
      const [cookie] = await preCreateSessions((request) => sendHttp(server.port, request), 1, { expectSessions: true });
      cookies.set(key, cookie);
    }
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    throw err;
  }
  const anyCookie = cookies.get(serverKey('express-session', 'default')) ?? [...cookies.values()][0];
  const cookieFor = (scenario, contenderId) => {
    if (!scenario.sendsCookie) return undefined;
    return isSessionless(contenderId) ? anyCookie : cookies.get(serverKey(contenderId, scenario.config));
  };
  return {
    pinned: [...servers.values()].every((s) => s.pinned),
    /**
     * One burst of `scenario` against `contenderId`'s server for it.
     * @param {{ connections: number }} settings @param {import('./load-generator.mjs').LoadGenerator} loadGenerator
     */
    burst: (scenario, contenderId, durationS, settings, loadGenerator) =>
      measureBurst(servers.get(serverKey(contenderId, scenario.config)), scenario, cookieFor(scenario, contenderId), durationS, settings, loadGenerator),
    /** One request of `scenario` to `contenderId`'s server, outside any burst (the Redis section's round-trip count). */
    request: (scenario, contenderId) =>
      sendHttp(servers.get(serverKey(contenderId, scenario.config)).port, { method: 'GET', path: scenario.path, cookie: cookieFor(scenario, contenderId) }),
    stop: () => Promise.all([...servers.values()].map((s) => s.stop())),
  };
}

/**
 * One burst against a warm server: CPU ticks of the server process before and
 * after, divided by the requests the load generator completed.
 * @returns {Promise<import('../lib/e2e-summary.mjs').LoadSample>}
 */
async function measureBurst(server, scenario, cookie, durationS, settings, loadGenerator) {
  const url = `http://127.0.0.1:${server.port}${scenario.path}`;
  const useProc = procStatAvailable();
  const before = useProc ? readCpuTicks(server.pid) : await server.stats();
  const result = await loadGenerator.burst({ url, connections: settings.connections, durationS, cookie });
  const after = useProc ? readCpuTicks(server.pid) : await server.stats();
  const cpuUsPerReq = useProc
    ? cpuUsPerRequest(before, after, result.requests, clockTicksPerSecond())
    : (after.cpuUs - before.cpuUs) / result.requests;
  return {
    reqPerSec: result.reqPerSec,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerReq,
    requests: result.requests,
    errors: result.non2xx + result.socketErrors,
  };
}
