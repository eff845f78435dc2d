// wrk, the C load generator the pinned real-HTTP section drives: building its
// command line and reading its report. Pure functions; the tests pin them down.

/**
 * @typedef {{ requests: number, durationS: number, reqPerSec: number, p50Ms: number, p99Ms: number,
 *   non2xx: number, socketErrors: number }} BurstResult what one load burst measured
 */

/**
 * wrk's arguments for one closed-loop burst: one thread, `connections`
 * keep-alive connections, the latency distribution printed, the cookie (when
 * any) sent on every request as a header.
 * @param {{ url: string, connections: number, durationS: number, cookie?: string }} burst
 */
export function wrkArgs({ url, connections, durationS, cookie }) {
  if (!Number.isInteger(connections) || connections < 1) throw new TypeError(`connections must be a positive integer, got ${connections}`);
  // wrk's -d takes whole seconds (or minutes, hours): a shorter burst cannot be asked for.
  if (!Number.isInteger(durationS) || durationS < 1) throw new TypeError(`wrk bursts last whole seconds, got ${durationS}`);
  const args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--latency'];
  if (cookie) args.push('-H', `Cookie: ${cookie}`);
  args.push(url);
  return args;
}

const TIME_UNITS_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** "812.00us", "1.23ms", "2.00s" → milliseconds; NaN for anything else. */
export function parseWrkTimeMs(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  return match ? Number(match[1]) * TIME_UNITS_MS[match[2]] : NaN;
}

/**
 * Reads wrk's plain-text report. Throws when the summary line is missing
 * (wrk failed, or printed something this parser does not know), so a broken
 * burst never becomes a figure.
 * @param {string} output wrk's stdout
 * @returns {BurstResult}
 */
export function parseWrkOutput(output) {
  const summary = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),/m.exec(output);
  if (!summary) throw new Error(`wrk printed no "N requests in T" line:\n${output.slice(0, 500)}`);
  const requests = Number(summary[1]);
  const durationS = (Number(summary[2]) * TIME_UNITS_MS[summary[3]]) / 1000;
  const percentile = (p) => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(output);
    return match ? parseWrkTimeMs(match[1]) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s*(\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requests,
    durationS,
    // From the count and the elapsed time wrk itself reports, not its rounded "Requests/sec".
    reqPerSec: durationS > 0 ? requests / durationS : NaN,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    non2xx,
    socketErrors,
  };
}
