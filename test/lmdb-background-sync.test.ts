/**
 * The once-a-second disk flush of durability 'background' (the default):
 * its scheduling, against a stand-in for lmdb's root.sync so the test can see
 * every flush. That a flushed commit reaches the disk is lmdb's job.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const { BackgroundSync, BACKGROUND_SYNC_MS } = require(path.join(__dirname, '../dist/stores/lmdb/background-sync.js')) as
  typeof import('../src/stores/lmdb/background-sync');

type SyncCallback = (err?: unknown) => void;

/** A root whose sync() records each call and completes when the test says so. */
function fakeRoot() {
  const pending: SyncCallback[] = [];
  return {
    pending,
    root: { sync: (cb: SyncCallback) => void pending.push(cb) } as unknown as ConstructorParameters<typeof BackgroundSync>[0],
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('BackgroundSync', () => {
  it('flushes once, a second after the first write, however many writes came in between', () => {
    vi.useFakeTimers();
    const { root, pending } = fakeRoot();
    const sync = new BackgroundSync(root);
    sync.markDirty();
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS / 2);
    sync.markDirty();
    sync.markDirty();
    expect(pending).toHaveLength(0);
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS / 2);
    expect(pending).toHaveLength(1);
  });

  it('does nothing while nothing is written', () => {
    vi.useFakeTimers();
    const { root, pending } = fakeRoot();
    new BackgroundSync(root);
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS * 10);
    expect(pending).toHaveLength(0);
  });

  it('never runs two flushes at once: writes during a slow flush get the next one', () => {
    vi.useFakeTimers();
    const { root, pending } = fakeRoot();
    const sync = new BackgroundSync(root);
    sync.markDirty();
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS);
    sync.markDirty();
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS * 3);
    expect(pending).toHaveLength(1);
    pending[0]!();
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS);
    expect(pending).toHaveLength(2);
  });

  it('retries a failed flush at the next tick', () => {
    vi.useFakeTimers();
    const { root, pending } = fakeRoot();
    const sync = new BackgroundSync(root);
    sync.markDirty();
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS);
    pending[0]!(Object.assign(new Error('disk full'), { code: 'ENOSPC' }));
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS);
    expect(pending).toHaveLength(2);
  });

  it('stop() flushes what is not flushed yet, then stays stopped', async () => {
    const { root, pending } = fakeRoot();
    const sync = new BackgroundSync(root);
    sync.markDirty();
    const stopped = sync.stop();
    await Promise.resolve();
    expect(pending).toHaveLength(1);
    pending[0]!();
    await stopped;
    vi.useFakeTimers();
    sync.markDirty();
    vi.advanceTimersByTime(BACKGROUND_SYNC_MS * 2);
    expect(pending).toHaveLength(1);
  });
});
