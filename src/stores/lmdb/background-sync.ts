import type { RootDatabase } from 'lmdb';
import { debug } from '../../debug';

/** How often the 'background' durability flushes commits to disk. */
export const BACKGROUND_SYNC_MS = 1000;

/**
 * The disk flush of durability 'background': commits are acknowledged
 * without an fsync (lmdb's noSync), and this timer flushes them once a second
 * on libuv's thread pool (mdb_env_sync), only when something was written
 * since the last flush. That bounds what an OS crash can take back to about
 * a second of writes, for one fsync a second instead of one per commit.
 */
/** lmdb's root.sync (mdb_env_sync on the thread pool), which its typings leave out. */
type SyncableRoot = RootDatabase & { sync(callback: (err?: unknown) => void): void };

export class BackgroundSync {
  private readonly root: SyncableRoot;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private stopped = false;
  private syncing: Promise<void> | undefined;

  constructor(root: RootDatabase) {
    this.root = root as SyncableRoot;
  }

  /** Something was handed to lmdb; the next tick flushes it. Called once per group commit. */
  markDirty(): void {
    this.dirty = true;
    if (this.timer === undefined && !this.stopped) this.arm();
  }

  /** Stops the timer and flushes whatever is not flushed yet. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncing;
    if (this.dirty) await this.flush();
  }

  private arm(): void {
    this.timer = setTimeout(this.tick, BACKGROUND_SYNC_MS);
    // Never keeps the process alive: close() flushes what is left.
    this.timer.unref();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    // One flush at a time: a slow disk delays the next one rather than stacking them.
    if (this.syncing === undefined) void this.flush();
    else this.arm();
  };

  private flush(): Promise<void> {
    this.dirty = false;
    this.syncing = new Promise<void>((resolve) => {
      this.root.sync((err: unknown) => {
        this.syncing = undefined;
        if (err) {
          // The commits stand; the flush is retried at the next tick (disk full, I/O error).
          debug('background sync failed: %s', (err as Error)?.message ?? err);
          this.markDirty();
        }
        resolve();
      });
    });
    return this.syncing;
  }
}
