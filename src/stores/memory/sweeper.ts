import type { LruStoreEngine } from '../../wasm/lru-store';

/**
 * At most this many expired sessions go per tick, so that one tick stays well
 * under a millisecond even at a million sessions (measured: docs/bench.md).
 */
export const SWEEP_BUDGET = 1000;

/** Delay before continuing a shard whose tick used up its budget: yields to I/O, then drains on. */
const CATCH_UP_DELAY_MS = 1;

export interface SweepTimer {
  stop(): void;
}

/**
 * Visits one shard per tick on an unref'd timer, so that a full pass over the
 * store takes about `interval` ms and no tick does more than one budget of
 * work. A tick that used its whole budget is followed soon by another on the
 * same shard, so a burst of expiries drains quickly in small slices. The timer
 * holds the engine weakly: a store dropped without close() is still collected,
 * and its timer then stops itself.
 */
export function startSweeping(engine: LruStoreEngine, interval: number): SweepTimer | undefined {
  if (interval === 0) return undefined;
  const target = new WeakRef(engine);
  const shards = engine.shards;
  const pause = Math.max(1, Math.floor(interval / shards));
  let shard = 0;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (delay: number): void => {
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  const tick = (): void => {
    const live = target.deref();
    if (live === undefined) return;
    const removed = live.sweep(shard, Date.now(), SWEEP_BUDGET);
    if (removed >= SWEEP_BUDGET) {
      schedule(CATCH_UP_DELAY_MS);
      return;
    }
    shard = (shard + 1) % shards;
    schedule(pause);
  };

  schedule(pause);
  return {
    stop: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
