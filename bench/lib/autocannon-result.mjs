// autocannon's JSON report (`autocannon -j`) in the shape wrk's is read into
// (bench/lib/wrk.mjs), for machines without wrk. Pure; the tests pin it down.

/**
 * @param {string} json autocannon's stdout with -j
 * @returns {import('./wrk.mjs').BurstResult}
 */
export function parseAutocannonJson(json) {
  let report;
  try {
    report = JSON.parse(json);
  } catch {
    throw new Error(`autocannon printed no JSON report:\n${String(json).slice(0, 500)}`);
  }
  const requests = report?.requests?.total;
  const durationS = report?.duration;
  if (!Number.isFinite(requests) || !Number.isFinite(durationS)) throw new Error('autocannon report without requests.total or duration');
  return {
    requests,
    durationS,
    reqPerSec: durationS > 0 ? requests / durationS : NaN,
    p50Ms: report.latency?.p50 ?? NaN,
    p99Ms: report.latency?.p99 ?? NaN,
    non2xx: report.non2xx ?? 0,
    socketErrors: (report.errors ?? 0) + (report.timeouts ?? 0),
  };
}
