// Redis round trips per request, read from redis-server's own counter of read
// events (INFO stats total_reads_processed) around sequential requests: one
// request's commands sent together arrive as one read, so reads are round
// trips, and commands that a script runs inside Redis add none (unlike
// INFO commandstats, which counts those too). Pure; the tests pin it down.

/** total_reads_processed of an `INFO stats` reply; NaN when the reply lacks it. */
export function readsProcessedOf(infoStats) {
  const match = /^total_reads_processed:(\d+)/m.exec(infoStats);
  return match ? Number(match[1]) : NaN;
}

/**
 * Round trips per request between two readings taken before and after
 * `requests` sequential requests. The reading taken after is itself one read
 * event (the one taken before was counted before it was answered), so it is
 * left out.
 */
export function roundTripsPerRequest(before, after, requests) {
  return requests > 0 ? (after - before - 1) / requests : NaN;
}
