import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { conditionalWrite, type LmdbEnvironment } from './open-env';
import { decodeExpiry } from './record';
import { SweepLease } from './sweep-lease';

const MANUAL_LEASE_MS = 5000;

/** What one sweep pass did. */
export interface LmdbSweepResult {
  /** Expiry records looked at. */
  scanned: number;
  /** Expired sessions removed. */
  removed: number;
}

/**
 * Removes expired sessions in the background. A pass walks the expiry
 * records in key order, `batchSize` at a time, yielding to the event loop
 * between batches; the removals themselves are conditional writes that lmdb's
 * write thread runs ("delete only if the expiry is still past"), so the main
 * thread only reads. Only the holder of the sweep lease sweeps, so N processes
 * on one path do the work once, not N times.
 */
export class Sweeper {
  private readonly env: LmdbEnvironment;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly lease: SweepLease;
  private readonly onSwept: (result: LmdbSweepResult) => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LmdbSweepResult | null> | undefined;
  private stopped = false;

  constructor(env: LmdbEnvironment, intervalMs: number, batchSize: number, onSwept: (result: LmdbSweepResult) => void) {
    this.env = env;
    this.intervalMs = intervalMs;
    this.batchSize = batchSize;
    // Outlives the gap between two passes of a live holder, with room for a slow
    // pass; a manual sweeper (interval 0) holds it a few seconds past each batch.
    this.lease = new SweepLease(env, intervalMs > 0 ? intervalMs * 2 + 1000 : MANUAL_LEASE_MS);
    this.onSwept = onSwept;
  }

  /** Sweeps every `intervalMs` until stop(); the timer never keeps the process alive. */
  start(): void {
    if (this.stopped || this.timer !== undefined || this.intervalMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep().then(
        () => this.start(),
        () => this.start(), // a failed pass (e.g. disk full) is retried at the next interval
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One pass now, unless another pass is running here (then that one's result) or the lease is held elsewhere (null). */
  sweep(): Promise<LmdbSweepResult | null> {
    if (this.running === undefined) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Stops the timer, waits for a running pass, and gives the lease up. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await this.lease.release();
  }

  private async pass(): Promise<LmdbSweepResult | null> {
    const { root, expiry, data } = this.env;
    const removeIfExpired = conditionalWrite(expiry);
    const result: LmdbSweepResult = { scanned: 0, removed: 0 };
    let after: string | undefined;
    for (;;) {
      // Renewed every batch, so a long pass keeps the lease and a lost lease stops the pass.
      if (this.stopped || !(await this.lease.acquire())) return result.scanned === 0 ? null : result;
      root.resetReadTxn();
      const now = Date.now();
      const expired: string[] = [];
      let seen = 0;
      for (const { key, value } of expiry.getRange(after === undefined ? { limit: this.batchSize } : { start: after, exclusiveStart: true, limit: this.batchSize })) {
        seen++;
        after = key;
        // A damaged record (NaN) is left for a reader to report, never deleted silently.
        if (decodeExpiry(value) <= now) expired.push(key);
      }
      result.scanned += seen;
      if (expired.length > 0) {
        const removals = expired.map((sid) =>
          removeIfExpired(sid, now, () => {
            expiry.remove(sid);
            data.remove(sid);
          }, { ifLessThan: true }),
        );
        for (const removed of await Promise.all(removals)) if (removed) result.removed++;
      } else {
        await yieldToEventLoop();
      }
      if (seen < this.batchSize) break;
    }
    this.onSwept(result);
    return result;
  }
}
