import type { LruStoreEngine } from '../../wasm/lru-store';

/** At most this many expired sessions go per tick, which keeps a tick well under a millisecond. */
export const SWEEP_BUDGET = 2048;

export interface Sweeper {
  stop(): void;
}

/**
 * Visits one shard per tick on an unref'd timer, so that a full pass over the
 * store takes `interval` ms and no tick does more than one shard's (budgeted)
 * work. The timer holds the engine weakly: a store that is dropped without
 * close() is still collected, and its timer then stops itself.
 */
export function startSweeping(engine: LruStoreEngine, interval: number): Sweeper | undefined {
  if (interval === 0) return undefined;
  const target = new WeakRef(engine);
  const shards = engine.shards;
  let next = 0;
  const timer = setInterval(
    () => {
      const live = target.deref();
      if (live === undefined) {
        clearInterval(timer);
        return;
      }
      live.sweep(next, Date.now(), SWEEP_BUDGET);
      next = (next + 1) % shards;
    },
    Math.max(1, Math.floor(interval / shards)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
