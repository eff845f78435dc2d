import { commitFailed } from '../../errors';
import { DROP, MINE_OVER_BASE, mergeOverStored } from '../../format/merge';
import { noop } from '../../noop';
import { WAITING, type WriteWaiter } from '../fast-store';
import { conditionalWrite, type LmdbEnvironment } from './open-env';
import { decodeExpiry } from './record';
import { unindex, type LmdbUserIndex } from './user-index';

/** What one queued operation does; the queue is flat (kind, sid, json, stamp, base) so an operation allocates no object. */
const WRITE = 0;
const TOUCH = 1;
const DESTROY = 2;
/** A save merged with the stored session at commit time (format/merge.ts); the fifth slot holds the base. */
const MERGE = 3;
type Op = typeof WRITE | typeof TOUCH | typeof DESTROY | typeof MERGE;
const SLOTS_PER_OP = 5;

/**
 * Group commit: the writes that arrive while a commit is in progress wait and
 * then go to lmdb together, as one batch (one transaction), acknowledged by
 * one shared promise.
 *
 * Why: lmdb already batches the writes of one event-loop turn, but requests
 * finish in different turns, so under load each write became its own batch,
 * and each batch costs the main thread a native hand-off to the write thread
 * plus a promise and bookkeeping per write (figures: docs/bench.md). Queueing while a
 * commit is in flight makes the batch grow with the load and costs a lone
 * write nothing extra (it is sent at the end of its event-loop turn, as before).
 *
 * Order is kept: operations are applied in the order they were queued, and a
 * group is sent only after the previous one is committed.
 *
 * With `synchronous` (the durabilities without an fsync per commit) a group is
 * committed on this thread at the end of its turn instead (transactionSync):
 * without an fsync the commit is a few writes into the OS cache, cheaper than
 * handing it to lmdb's write thread and waiting for its answer, which left the
 * main thread idle between groups (measured: docs/bench.md). Durabilities that fsync keep the write thread, so the main thread
 * never waits for the disk.
 *
 * A merged save and the per-user index need to read what is stored at commit
 * time, inside the transaction that holds the environment's write lock (so
 * also against other processes). The synchronous path has that anyway; on
 * the write thread's path such a group is sent as an lmdb `transaction`,
 * whose callback lmdb runs on this thread once it holds the lock, instead of
 * a `batch`, whose operations are only queued.
 */
export class GroupCommit {
  private readonly env: LmdbEnvironment;
  private readonly acknowledged: (commit: Promise<unknown>) => Promise<void>;
  private readonly touchIfPresent: ReturnType<typeof conditionalWrite>;
  private queue: unknown[] = [];
  private group: Group | undefined;
  private inFlight = false;
  private scheduled = false;
  private readonly sendScheduled = (): void => {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    if (this.synchronous) this.commitHere();
    else if (!this.inFlight) this.send();
  };
  private readonly committed = (): void => {
    this.inFlight = false;
    if (this.queue.length > 0) this.send();
  };

  private readonly onSent: () => void;
  private readonly synchronous: boolean;
  private readonly index: LmdbUserIndex | undefined;
  /** Whether the queued group holds a merge (then it must read at commit time). */
  private queuedMerge = false;

  /**
   * `onSent` runs once per group handed to lmdb (durability 'background'
   * schedules its flush there). `synchronous`: commit groups on this thread
   * (only for durabilities that never fsync on commit).
   */
  constructor(
    env: LmdbEnvironment,
    acknowledged: (commit: Promise<unknown>) => Promise<void>,
    onSent: () => void,
    synchronous: boolean,
    index?: LmdbUserIndex,
  ) {
    this.env = env;
    this.index = index;
    this.acknowledged = acknowledged;
    this.onSent = onSent;
    this.synchronous = synchronous;
    this.touchIfPresent = conditionalWrite(env.data);
  }

  /**
   * Upserts the session's text and expiry together; with `baseData` (the
   * data the request loaded) merged with what is stored at commit time, and
   * dropped if the session is no longer stored then.
   */
  write(sid: string, json: string, stamp: Buffer, baseData: string | undefined, waiter: WriteWaiter): typeof WAITING;
  write(sid: string, json: string, stamp: Buffer, baseData?: string): Promise<void>;
  write(sid: string, json: string, stamp: Buffer, baseData?: string, waiter?: WriteWaiter): Promise<void> | typeof WAITING {
    if (baseData === undefined) return this.enqueue(WRITE, sid, json, stamp, undefined, waiter);
    this.queuedMerge = true;
    return this.enqueue(MERGE, sid, json, stamp, baseData, waiter);
  }

  /** Rewrites the expiry only, and only if the session still exists when the group commits. */
  touch(sid: string, stamp: Buffer, waiter: WriteWaiter): typeof WAITING;
  touch(sid: string, stamp: Buffer): Promise<void>;
  touch(sid: string, stamp: Buffer, waiter?: WriteWaiter): Promise<void> | typeof WAITING {
    return this.enqueue(TOUCH, sid, undefined, stamp, undefined, waiter);
  }

  destroy(sid: string, waiter: WriteWaiter): typeof WAITING;
  destroy(sid: string): Promise<void>;
  destroy(sid: string, waiter?: WriteWaiter): Promise<void> | typeof WAITING {
    return this.enqueue(DESTROY, sid, undefined, undefined, undefined, waiter);
  }

  /** Hands whatever is queued to lmdb now, ahead of a write that must come after it (clear, close). */
  sendNow(): Promise<void> {
    const pending = this.group !== undefined ? this.group.promise : Promise.resolve();
    if (this.queue.length > 0) {
      if (this.synchronous) this.commitHere();
      else this.send();
    }
    return pending;
  }

  /** Queues one operation; its caller learns of the commit through `waiter` (WAITING) or the group's promise. */
  private enqueue(
    kind: Op,
    sid: string,
    json: string | undefined,
    stamp: Buffer | undefined,
    base: string | undefined,
    waiter: WriteWaiter | undefined,
  ): Promise<void> | typeof WAITING {
    this.queue.push(kind, sid, json, stamp, base);
    const group = (this.group ??= new Group());
    // A lone write goes at the end of this event-loop turn, so writes made in
    // the same turn share it; under load the commit in flight sends it instead.
    if (!this.inFlight && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.sendScheduled);
    }
    if (waiter === undefined) return group.promise;
    group.waiters.push(waiter);
    return WAITING;
  }

  /** Commits the queued group on this thread, in one write transaction. */
  private commitHere(): void {
    const queue = this.queue;
    const group = this.group!;
    this.queue = [];
    this.group = undefined;
    this.queuedMerge = false;
    const { root, data, expiry } = this.env;
    const index = this.index;
    try {
      // The touch check runs inside the write transaction, which holds the
      // environment's write lock: no other process can destroy the session
      // between the check and the write.
      root.transactionSync(() =>
        applyQueue(this.env, queue, index, (sid, stamp) => {
          if (data.doesExist(sid)) expiry.put(sid, stamp);
        }),
      );
    } catch (err) {
      group.reject(commitFailed(err));
      return;
    }
    this.onSent();
    group.resolve();
  }

  private send(): void {
    const queue = this.queue;
    const group = this.group!;
    this.queue = [];
    this.group = undefined;
    const readsAtCommit = this.queuedMerge || this.index !== undefined;
    this.queuedMerge = false;
    const { root, data, expiry, ifExists } = this.env;
    const index = this.index;
    const touchIfPresent = this.touchIfPresent;
    let commit: Promise<unknown>;
    try {
      commit = readsAtCommit
        ? // Runs here once lmdb holds the write lock: reads see what is committed, by any process.
          root.transaction(() =>
            applyQueue(this.env, queue, index, (sid, stamp) => {
              if (data.doesExist(sid)) expiry.put(sid, stamp);
            }),
          )
        : // Conditional on the data, checked by lmdb's write thread at commit time,
          // so that a touch racing a destroy in another process cannot resurrect the session.
          root.batch(() =>
            applyQueue(this.env, queue, undefined, (sid, stamp) => {
              void touchIfPresent(sid, ifExists, () => expiry.put(sid, stamp));
            }),
          );
    } catch (err) {
      group.reject(err);
      return;
    }
    this.inFlight = true;
    this.onSent();
    commit.then(this.committed, this.committed);
    this.acknowledged(commit).then(group.resolve, (err: unknown) => rejectWithCause(group, err));
  }
}

/**
 * lmdb rejects a failed commit with a generic "Commit failed" and puts the
 * cause (ENOSPC, EIO, MDB_MAP_FULL) in a second promise, `commitError`, which
 * must be handled too or it is an unhandled rejection. The group fails with
 * ERR_SESSION_STORE_WRITE naming that cause.
 */
function rejectWithCause(group: Group, err: unknown): void {
  const detail = (err as { commitError?: unknown } | null)?.commitError;
  if (!(detail instanceof Promise)) {
    group.reject(commitFailed(err));
    return;
  }
  detail.then(
    () => group.reject(commitFailed(err)),
    (cause: unknown) => group.reject(commitFailed(cause)),
  );
  // lmdb settles commitError in the same callback; should it ever not, the group still fails.
  setImmediate(() => group.reject(commitFailed(err)));
}

/**
 * Applies queued operations in order inside the caller's transaction; `touch`
 * is how this path keeps a touch conditional. Merges and `index` are only
 * given on paths whose reads see the transaction (transactionSync, transaction).
 */
function applyQueue(
  env: LmdbEnvironment,
  queue: unknown[],
  index: LmdbUserIndex | undefined,
  touch: (sid: string, stamp: Buffer) => void,
): void {
  const { data, expiry } = env;
  const now = Date.now();
  for (let i = 0; i < queue.length; i += SLOTS_PER_OP) {
    const sid = queue[i + 1] as string;
    switch (queue[i] as Op) {
      case MERGE: {
        const base = queue[i + 4] as string;
        const mine = queue[i + 2] as string;
        const merged = mergeOverStored(base, mine, liveText(env, sid, now));
        if (merged === DROP) break;
        const text = merged === MINE_OVER_BASE ? mine : merged;
        data.put(sid, text);
        expiry.put(sid, queue[i + 3] as Buffer);
        // The stored data was the base, indexed under the base's user (same transaction): keeping it needs no index read or write.
        if (index !== undefined && !(merged === MINE_OVER_BASE && index.keepsUser(base, mine))) index.written(sid, text);
        break;
      }
      case WRITE:
        data.put(sid, queue[i + 2] as string);
        expiry.put(sid, queue[i + 3] as Buffer);
        index?.written(sid, queue[i + 2] as string);
        break;
      case TOUCH:
        touch(sid, queue[i + 3] as Buffer);
        break;
      case DESTROY:
        expiry.remove(sid);
        data.remove(sid);
        if (index !== undefined) unindex(env, sid, env.userOf.get(sid));
        break;
    }
  }
}

/** The stored text of a session that is live at `now`, as the transaction sees it; undefined when gone or expired. */
function liveText(env: LmdbEnvironment, sid: string, now: number): string | undefined {
  const stamp = env.expiry.get(sid);
  if (stamp === undefined || !(decodeExpiry(stamp) > now)) return undefined;
  return env.data.get(sid);
}

/**
 * What every operation of a group waits on: the request states that gave a
 * waiter, told in order, and a promise shared by the callers that did not,
 * made only when one asks for it.
 */
class Group {
  readonly waiters: WriteWaiter[] = [];
  private settled = false;
  private failure: unknown = undefined;
  private shared: Promise<void> | undefined = undefined;
  private settleShared: ((err: unknown) => void) | undefined = undefined;

  get promise(): Promise<void> {
    if (this.shared === undefined) {
      this.shared = this.settled
        ? this.failure === undefined
          ? Promise.resolve()
          : Promise.reject(this.failure)
        : new Promise<void>((resolve, reject) => {
            this.settleShared = (err) => (err === undefined ? resolve() : reject(err));
          });
      // Callers that drop the promise (callback API without a callback) must not see an unhandled rejection.
      this.shared.catch(noop);
    }
    return this.shared;
  }

  /** Settles the group once; later calls do nothing, as with a promise. */
  readonly resolve = (): void => this.settle(undefined);
  readonly reject = (err: unknown): void => this.settle(err ?? new Error('commit failed'));

  private settle(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.failure = err;
    this.settleShared?.(err);
    for (const waiter of this.waiters) {
      try {
        waiter.written(err);
      } catch (thrown) {
        // One waiter's failure must not keep the others' responses held: it surfaces as an uncaught error, after them.
        process.nextTick(rethrow, thrown);
      }
    }
  }
}

function rethrow(err: unknown): never {
  throw err;
}
