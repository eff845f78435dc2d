import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { conditionalWrite, type LmdbEnvironment } from './open-env';
import { decodeExpiry } from './record';
import { unindex } from './user-index';
import type { SweepLease } from './sweep-lease';
import type { LmdbSweepResult } from './sweep-result';

export type { LmdbSweepResult };

/**
 * One pass over the expiry records in key order, `batchSize` at a time,
 * yielding to the event loop between batches. The removals are conditional
 * writes run by lmdb's write thread ("delete only if the expiry is still
 * past"), so a session touched meanwhile by any process survives. The lease
 * is renewed every batch, so a long pass keeps it and a lost lease stops the
 * pass. Null when the lease is held elsewhere before anything was scanned.
 */
export async function sweepPass(
  env: LmdbEnvironment,
  lease: SweepLease,
  batchSize: number,
  shouldStop: () => boolean,
): Promise<LmdbSweepResult | null> {
  const { root, expiry, data, userOf } = env;
  const removeIfExpired = conditionalWrite(expiry);
  const result: LmdbSweepResult = { scanned: 0, removed: 0 };
  let after: string | undefined;
  for (;;) {
    if (shouldStop() || !(await lease.acquire())) return result.scanned === 0 ? null : result;
    root.resetReadTxn();
    const now = Date.now();
    const expired: string[] = [];
    let seen = 0;
    const range = after === undefined ? { limit: batchSize } : { start: after, exclusiveStart: true, limit: batchSize };
    for (const { key, value } of expiry.getRange(range)) {
      seen++;
      after = key;
      // A damaged record (NaN) is left for a reader to report, never deleted silently.
      if (decodeExpiry(value) <= now) expired.push(key);
    }
    result.scanned += seen;
    if (expired.length > 0) {
      const removals = expired.map((sid) => {
        // The per-user entry goes with the session. Read from this snapshot: a
        // save since (which could change the user) also moved the expiry, so
        // the condition below then keeps both.
        const user = userOf.get(sid);
        return removeIfExpired(sid, now, () => {
          expiry.remove(sid);
          data.remove(sid);
          unindex(env, sid, user);
        }, { ifLessThan: true });
      });
      for (const removed of await Promise.all(removals)) if (removed) result.removed++;
    } else {
      await yieldToEventLoop();
    }
    if (seen < batchSize) return result;
  }
}
