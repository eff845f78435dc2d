import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Piscina } from 'piscina';
import { debug } from '../../debug';
import { requirePiscina } from './dependencies';
import type { LmdbEnvironment } from './open-env';
import type { ResolvedLmdbStoreOptions } from './options';
import { SweepLease } from './sweep-lease';
import { sweepPass, type LmdbSweepResult } from './sweep-pass';
import type { SweepTask } from './sweep-worker';

export type { LmdbSweepResult } from './sweep-pass';

const MANUAL_LEASE_MS = 5000;

let sharedPool: Piscina | undefined;

/**
 * One sweep thread per process, shared by every store, started on the first
 * pass. Idle, it neither keeps the process alive (piscina unrefs it) nor
 * lingers: it exits a second after its last pass.
 */
function sweepPool(): Piscina {
  if (sharedPool === undefined) {
    const filename = path.join(__dirname, 'sweep-worker.js');
    // A bundle that left the worker file out: say so now rather than from a thread.
    if (!existsSync(filename)) throw Object.assign(new Error(`missing ${filename}`), { code: 'MODULE_NOT_FOUND' });
    const { Piscina: PiscinaClass } = requirePiscina();
    const pool = new PiscinaClass({ filename, minThreads: 0, maxThreads: 1, idleTimeout: 1000 });
    // A thread that fails to start also rejects the task that needed it; without
    // a listener piscina's 'error' event would end the process.
    pool.on('error', (err: unknown) => debug('sweep worker error: %s', (err as Error)?.message ?? err));
    sharedPool = pool;
  }
  return sharedPool;
}

/**
 * Removes expired sessions in the background. Only the holder of the sweep
 * lease sweeps, so N processes on one path do the work once, not N times.
 * The pass itself runs on a piscina worker thread, which keeps the main
 * thread far less busy than scanning itself (measured: docs/bench.md); if
 * the worker cannot start, passes run on the main thread, in batches.
 */
export class LmdbSweeper {
  private readonly env: LmdbEnvironment;
  private readonly options: ResolvedLmdbStoreOptions;
  private readonly lease: SweepLease;
  private readonly onSwept: (result: LmdbSweepResult) => void;
  /** Shared with the worker thread: 1 once stopped. */
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private onWorker = true;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<LmdbSweepResult | null> | undefined;

  constructor(env: LmdbEnvironment, options: ResolvedLmdbStoreOptions, onSwept: (result: LmdbSweepResult) => void) {
    this.env = env;
    this.options = options;
    const interval = options.sweepInterval;
    // Outlives the gap between two passes of a live holder, with room for a slow
    // pass; a manual sweeper (interval 0) holds it a few seconds past each batch.
    this.lease = new SweepLease(env, interval > 0 ? interval * 2 + 1000 : MANUAL_LEASE_MS);
    this.onSwept = onSwept;
  }

  private get stopped(): boolean {
    return Atomics.load(this.stopFlag, 0) !== 0;
  }

  /** Sweeps every `sweepInterval` until stop(); the timer never keeps the process alive. */
  start(): void {
    if (this.stopped || this.timer !== undefined || this.options.sweepInterval <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sweep().then(
        () => this.start(),
        (err: unknown) => {
          // A failed pass (disk full, …) is retried at the next interval.
          debug('sweep failed: %s', (err as Error)?.message ?? err);
          this.start();
        },
      );
    }, this.options.sweepInterval);
    this.timer.unref();
  }

  /** One pass now, unless one is running here (then its result) or the lease is held elsewhere (null). */
  sweep(): Promise<LmdbSweepResult | null> {
    if (this.running === undefined) {
      this.running = this.pass().finally(() => {
        this.running = undefined;
      });
    }
    return this.running;
  }

  /** Stops the timer and any running pass (after its batch), and gives the lease up. */
  async stop(): Promise<void> {
    Atomics.store(this.stopFlag, 0, 1);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
    await this.lease.release();
  }

  private async pass(): Promise<LmdbSweepResult | null> {
    // Decided here, so a process without the lease never wakes a thread.
    if (this.stopped || !(await this.lease.acquire())) return null;
    const result = this.onWorker ? await this.passOnWorker() : await this.passHere();
    if (result !== null) this.onSwept(result);
    return result;
  }

  private async passOnWorker(): Promise<LmdbSweepResult | null> {
    const { path: storePath, durability, mapSize, sweepBatchSize } = this.options;
    const task: SweepTask = {
      env: { path: storePath, durability, mapSize },
      batchSize: sweepBatchSize,
      leaseMs: this.lease.durationMs,
      leaseToken: this.lease.token,
      stop: this.stopFlag,
    };
    let pool: Piscina;
    try {
      pool = sweepPool();
    } catch (err) {
      return this.fallBack(err);
    }
    try {
      return (await pool.run(task)) as LmdbSweepResult | null;
    } catch (err) {
      // The worker file or thread may be unavailable (a bundle without it, a
      // sandbox without threads); the store keeps sweeping on this thread.
      if (isWorkerUnavailable(err)) return this.fallBack(err);
      throw err;
    }
  }

  private fallBack(err: unknown): Promise<LmdbSweepResult | null> {
    debug('sweep worker unavailable, sweeping on the main thread: %s', (err as Error)?.message ?? err);
    this.onWorker = false;
    return this.passHere();
  }

  private passHere(): Promise<LmdbSweepResult | null> {
    return sweepPass(this.env, this.lease, this.options.sweepBatchSize, () => this.stopped);
  }
}

function isWorkerUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  const message = String((err as Error)?.message ?? '');
  return (
    code === 'MODULE_NOT_FOUND' ||
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'ERR_WORKER_INIT_FAILED' ||
    /No task handler|Cannot find module/.test(message)
  );
}
