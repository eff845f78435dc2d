// Closed-loop load without sockets: `connections` loops each inject a request
// with light-my-request and wait for its response before sending the next,
// like keep-alive HTTP clients do.
import { performance } from 'node:perf_hooks';
import { percentileOfSorted } from '../lib/stats.mjs';
import { requireFromRoot } from '../lib/packages.mjs';

const inject = requireFromRoot('light-my-request');

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** One request to the app, in the shape session-cookies.mjs expects. */
export async function injectOnce(app, { method, path, cookie }) {
  const response = await inject(app, { method, url: path, headers: cookie ? { cookie } : {} });
  const setCookie = response.headers['set-cookie'];
  return {
    status: response.statusCode,
    setCookie: setCookie === undefined ? [] : [].concat(setCookie),
    body: response.payload,
  };
}

/**
 * @param {Function} app
 * @param {{ method: string, path: string }} route
 * @param {Array<string|undefined>} cookies one per connection (undefined: send none)
 * @param {number} durationMs
 * @returns {Promise<import('../lib/e2e-summary.mjs').LoadSample>}
 */
export async function injectLoad(app, route, cookies, durationMs) {
  const latencies = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();

  const connection = async (cookie) => {
    const options = { method: route.method, url: route.path, headers: cookie ? { cookie } : {} };
    while (performance.now() < deadline) {
      const sent = performance.now();
      const response = await inject(app, options);
      latencies.push(performance.now() - sent);
      if (response.statusCode !== 200) errors++;
      // A real client's next request arrives through I/O, a turn of the event
      // loop later. Without this turn a loop of injections resolved by
      // microtasks starves the loop: every setImmediate queued meanwhile (one
      // per response in light-my-request's null socket) and the request and
      // response it holds stay alive until the round ends, and the
      // measurement becomes mostly garbage-collector time.
      await nextTurn();
    }
  };
  await Promise.all(cookies.map(connection));

  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  return {
    reqPerSec: (requests - errors) / (elapsedMs / 1000),
    p50Ms: percentileOfSorted(latencies, 50),
    p99Ms: percentileOfSorted(latencies, 99),
    cpuUsPerReq: (cpu.user + cpu.system) / requests,
    requests,
    errors,
  };
}
