import { openLmdbEnvironment, type EnvironmentOptions } from './open-env';
import { SweepLease } from './sweep-lease';
import { sweepPass, type LmdbSweepResult } from './sweep-pass';

/** What the main thread sends: how to open the path, and the lease it already holds. */
export interface SweepTask {
  env: EnvironmentOptions;
  batchSize: number;
  leaseMs: number;
  leaseToken: Uint8Array;
  /** Set to 1 by the store when it closes: the pass stops after the current batch. */
  stop: Int32Array;
}

/**
 * A piscina task: one sweep pass on a worker thread, so scanning and queueing
 * removals cost the main thread nothing. It acts under the lease of the store
 * that sent it (same token) and closes its handle on the environment when done.
 */
export default async function sweepOnWorker(task: SweepTask): Promise<LmdbSweepResult | null> {
  const env = openLmdbEnvironment(task.env);
  try {
    const lease = new SweepLease(env, task.leaseMs, task.leaseToken);
    return await sweepPass(env, lease, task.batchSize, () => Atomics.load(task.stop, 0) !== 0);
  } finally {
    await env.root.close();
  }
}
