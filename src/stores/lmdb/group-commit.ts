import { commitFailed } from '../../errors';
import { noop } from '../../noop';
import { conditionalWrite, type LmdbEnvironment } from './open-env';

/** What one queued operation does; the queue is flat (kind, sid, json, stamp) so an operation allocates no object. */
const WRITE = 0;
const TOUCH = 1;
const DESTROY = 2;
type Op = typeof WRITE | typeof TOUCH | typeof DESTROY;
const SLOTS_PER_OP = 4;

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
  ) {
    this.env = env;
    this.acknowledged = acknowledged;
    this.onSent = onSent;
    this.synchronous = synchronous;
    this.touchIfPresent = conditionalWrite(env.data);
  }

  /** Upserts the session's text and expiry together. */
  write(sid: string, json: string, stamp: Buffer): Promise<void> {
    return this.enqueue(WRITE, sid, json, stamp);
  }

  /** Rewrites the expiry only, and only if the session still exists when the group commits. */
  touch(sid: string, stamp: Buffer): Promise<void> {
    return this.enqueue(TOUCH, sid, undefined, stamp);
  }

  destroy(sid: string): Promise<void> {
    return this.enqueue(DESTROY, sid, undefined, undefined);
  }

  /** Hands whatever is queued to lmdb now, ahead of a write that must come after it (clear, close). */
  sendNow(): Promise<void> {
    const pending = this.group?.promise ?? Promise.resolve();
    if (this.queue.length > 0) {
      if (this.synchronous) this.commitHere();
      else this.send();
    }
    return pending;
  }

  private enqueue(kind: Op, sid: string, json: string | undefined, stamp: Buffer | undefined): Promise<void> {
    this.queue.push(kind, sid, json, stamp);
    const group = (this.group ??= new Group());
    // A lone write goes at the end of this event-loop turn, so writes made in
    // the same turn share it; under load the commit in flight sends it instead.
    if (!this.inFlight && !this.scheduled) {
      this.scheduled = true;
      setImmediate(this.sendScheduled);
    }
    return group.promise;
  }

  /** Commits the queued group on this thread, in one write transaction. */
  private commitHere(): void {
    const queue = this.queue;
    const group = this.group!;
    this.queue = [];
    this.group = undefined;
    const { root, data, expiry } = this.env;
    try {
      // The touch check runs inside the write transaction, which holds the
      // environment's write lock: no other process can destroy the session
      // between the check and the write.
      root.transactionSync(() =>
        applyQueue(this.env, queue, (sid, stamp) => {
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
    const { root, expiry, ifExists } = this.env;
    const touchIfPresent = this.touchIfPresent;
    let commit: Promise<unknown>;
    try {
      // Conditional on the data, checked by lmdb's write thread at commit time,
      // so that a touch racing a destroy in another process cannot resurrect the session.
      commit = root.batch(() =>
        applyQueue(this.env, queue, (sid, stamp) => {
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

/** Applies queued operations in order inside the caller's transaction; `touch` is how this path keeps a touch conditional. */
function applyQueue(env: LmdbEnvironment, queue: unknown[], touch: (sid: string, stamp: Buffer) => void): void {
  const { data, expiry } = env;
  for (let i = 0; i < queue.length; i += SLOTS_PER_OP) {
    const sid = queue[i + 1] as string;
    switch (queue[i] as Op) {
      case WRITE:
        data.put(sid, queue[i + 2] as string);
        expiry.put(sid, queue[i + 3] as Buffer);
        break;
      case TOUCH:
        touch(sid, queue[i + 3] as Buffer);
        break;
      case DESTROY:
        expiry.remove(sid);
        data.remove(sid);
        break;
    }
  }
}

/** One promise shared by every operation of a group. */
class Group {
  readonly promise: Promise<void>;
  /** Settles the group's promise; later calls do nothing, as with any promise. */
  resolve!: () => void;
  reject!: (err: unknown) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Callers that drop the promise (callback API without a callback) must not see an unhandled rejection.
    this.promise.catch(noop);
  }
}
