import { storeClosed, userKeyMissing, type SessionError } from '../../errors';
import { noop } from '../../noop';
import { Store } from '../../session/store';
import type { StoreCallback, StoredSession } from '../../types';
import { cookieExpiry } from '../../format/expiry';
import { FAST_STORE, recordFastStoreMethods, type FastStoreAccess, type WAITING } from '../fast-store';
import { answer } from '../../format/answer';
import type { PerUserSessions } from '../per-user';
import { explicitSaveBase } from '../save-base';
import { checkSessionText, isCorruptEntry, parseStoredSession, stringifySession } from '../../format/stored-json';
import { userText } from '../../format/user-field';
import { announceCorrupt } from '../announce-corrupt';
import { BackgroundSync } from './background-sync';
import { GroupCommit } from './group-commit';
import { openLmdbEnvironment, type LmdbEnvironment } from './open-env';
import { resolveLmdbStoreOptions, type LmdbStoreOptions, type ResolvedLmdbStoreOptions } from './options';
import { decodeExpiry, encodeExpiry, expiryOrThrow, isStorableSid, sidOrThrow } from './record';
import type { LmdbSweepResult } from './sweep-result';
import { LmdbSweeper } from './sweeper';
import { LmdbUserIndex, liveSessionsOf } from './user-index';

export type { LmdbDurability, LmdbStoreOptions } from './options';
export type { LmdbSweepResult } from './sweep-result';

export interface LmdbStoreStats {
  /** Corrupt entries this handle met on reads and removed (each one also emitted a `'corrupt'` event). */
  corrupt: number;
}

type Callback<T = void> = StoreCallback<T>;

/**
 * A session store on LMDB: one memory-mapped file on local disk that every
 * thread and process opening the same `path` shares, and that survives
 * restarts. Reads are synchronous and always see the latest commit of any
 * process; writes are queued to lmdb's write thread, batched per event turn,
 * and acknowledged once committed (see `durability`). Expired sessions are
 * never returned and are swept in the background by one process at a time.
 */
export class LmdbStore extends Store implements PerUserSessions {
  readonly [FAST_STORE]: FastStoreAccess;
  private readonly options: ResolvedLmdbStoreOptions;
  private readonly env: LmdbEnvironment;
  private readonly writes: GroupCommit;
  /** Durability 'background' only: the once-a-second disk flush. */
  private readonly backgroundSync: BackgroundSync | undefined;
  private readonly sweeper: LmdbSweeper;
  private closing: Promise<void> | undefined;
  private corruptRemoved = 0;

  constructor(options: LmdbStoreOptions) {
    super();
    const resolved = resolveLmdbStoreOptions(options);
    const env = openLmdbEnvironment(resolved);
    this.options = resolved;
    this.env = env;
    const backgroundSync = resolved.durability === 'background' ? new BackgroundSync(env.root) : undefined;
    this.backgroundSync = backgroundSync;
    this.writes = new GroupCommit(
      env,
      acknowledgement(env, resolved.durability),
      backgroundSync === undefined ? noop : () => backgroundSync.markDirty(),
      resolved.durability === 'background' || resolved.durability === 'none',
      resolved.userKey === undefined ? undefined : new LmdbUserIndex(env, resolved.userKey),
    );
    this[FAST_STORE] = this.createFastAccess();
    this.sweeper = new LmdbSweeper(env, resolved, (result) => this.emit('sweep', result));
    if (resolved.sweepInterval > 0) this.sweeper.start();
  }

  /** The directory of the shared environment. */
  get path(): string {
    return this.options.path;
  }

  get(sid: string, callback: Callback<StoredSession | null | undefined>): void {
    let session: StoredSession | undefined;
    try {
      session = this[FAST_STORE].readSession(sid)?.session;
    } catch (err) {
      process.nextTick(callback, err);
      return;
    }
    process.nextTick(callback, null, session);
  }

  set(sid: string, session: object, callback?: Callback): void {
    let json: string;
    try {
      json = stringifySession(session);
    } catch (err) {
      if (callback) process.nextTick(callback, err);
      return;
    }
    settle(this[FAST_STORE].writeJSON(sid, json, cookieExpiry(session), explicitSaveBase(session)), callback);
  }

  touch(sid: string, session: object, callback?: Callback): void {
    settle(this[FAST_STORE].touch(sid, '', cookieExpiry(session)), callback);
  }

  destroy(sid: string, callback?: Callback): void {
    settle(this[FAST_STORE].destroy(sid), callback);
  }

  /** Every live session by ID. Walks the database lazily; damaged entries are left out. */
  all(callback: Callback<Record<string, StoredSession>>): void {
    this.scan(callback, Object.create(null) as Record<string, StoredSession>, (out, sid) => {
      const text = this.env.data.get(sid);
      if (text === undefined) return;
      try {
        out[sid] = parseStoredSession(sid, text);
      } catch {
        // A corrupt entry is reported when it is read by ID; listing the others goes on.
      }
    });
  }

  /** The number of live sessions, counted from the expiry records alone. */
  length(callback: Callback<number>): void {
    let count = 0;
    this.scan((err) => callback(err, count), undefined, () => {
      count++;
    });
  }

  /** The IDs of the live sessions. */
  ids(callback: Callback<string[]>): void {
    this.scan(callback, [] as string[], (out, sid) => {
      out.push(sid);
    });
  }

  /** Counters of this handle since it was opened. */
  stats(): LmdbStoreStats {
    return { corrupt: this.corruptRemoved };
  }

  /** Removes every session, in one transaction. */
  clear(callback?: Callback): void {
    if (this.closing !== undefined) {
      if (callback) process.nextTick(callback, storeClosed());
      return;
    }
    const { root, data, expiry, users, userOf } = this.env;
    // Writes queued before the clear are handed to lmdb first, so the clear removes them too.
    void this.writes.sendNow();
    settle(
      root.transaction(() => {
        expiry.clearSync();
        data.clearSync();
        users.clearSync();
        userOf.clearSync();
      }),
      callback,
    );
  }

  /** The IDs of the live sessions of `user` (the userKey option's field), as every process sees them; needs userKey. */
  idsOf(user: unknown, callback: Callback<string[]>): void;
  idsOf(user: unknown): Promise<string[]>;
  idsOf(user: unknown, callback?: Callback<string[]>): Promise<string[]> | void {
    return answer(() => this.liveSessionsOf(user, 'idsOf'), callback);
  }

  /**
   * Destroys every session of `user` but `exceptSid`, in one commit, for
   * every process on the path; resolves with how many went. Needs userKey.
   */
  destroyAllOf(user: unknown, exceptSid: string | undefined, callback: Callback<number>): void;
  destroyAllOf(user: unknown, exceptSid?: string): Promise<number>;
  destroyAllOf(user: unknown, exceptSid?: string, callback?: Callback<number>): Promise<number> | void {
    return answer(async () => {
      const ids = this.liveSessionsOf(user, 'destroyAllOf').filter((sid) => sid !== exceptSid);
      await Promise.all(ids.map((sid) => this.writes.destroy(sid)));
      return ids.length;
    }, callback);
  }

  private liveSessionsOf(user: unknown, method: string): string[] {
    if (this.closing !== undefined) throw storeClosed();
    if (this.options.userKey === undefined) throw userKeyMissing(method);
    const text = userText(user);
    if (text === undefined) return [];
    this.env.root.resetReadTxn();
    return liveSessionsOf(this.env, text, Date.now());
  }

  /**
   * Runs one sweep pass now (also when `sweepInterval` is 0, for apps that
   * sweep on their own schedule). Resolves with what it removed, or null when
   * another thread or process holds the sweep lease.
   */
  sweep(callback?: Callback<LmdbSweepResult | null>): Promise<LmdbSweepResult | null> {
    const result = this.closing !== undefined ? Promise.reject(storeClosed()) : this.sweeper.sweep();
    settle(result, callback, true);
    return result;
  }

  /** Stops sweeping, waits for queued writes to commit, and closes this handle on the environment. */
  close(callback?: Callback): Promise<void> {
    if (this.closing === undefined) {
      const sweeper = this.sweeper;
      this.closing = (async () => {
        await sweeper.stop();
        await this.writes.sendNow().catch(() => undefined);
        await this.backgroundSync?.stop();
        await this.env.root.close();
      })();
    }
    settle(this.closing, callback);
    return this.closing;
  }

  /**
   * The side door the middleware uses (fast-store.ts). Writes return lmdb's
   * commit promise so the response goes out only once the change is visible
   * to every other process.
   */
  private createFastAccess(): FastStoreAccess {
    const { root, data, expiry } = this.env;
    const { ttl } = this.options;
    const writes = this.writes;
    const isClosed = (): boolean => this.closing !== undefined;
    const expiryFor = (expiresAt: number): Buffer => encodeExpiry(Number.isNaN(expiresAt) ? Date.now() + ttl : expiresAt);
    const removeCorrupt = (err: SessionError): void => {
      // Damaged data, not a store outage: drop it so the next request starts afresh instead of failing forever.
      writes.destroy(err.sid!).catch(() => undefined);
      this.corruptRemoved++;
      announceCorrupt(this, err);
    };
    const readJSON = (sid: string): string | undefined => {
      if (isClosed()) throw storeClosed();
      if (!isStorableSid(sid)) return undefined;
      // lmdb renews its read snapshot only on a timer; starting a fresh one
      // here is what guarantees a read sees every write another process has
      // already acknowledged.
      root.resetReadTxn();
      const stamp = expiry.getBinaryFast(sid);
      if (stamp === undefined || expiryOrThrow(sid, stamp) <= Date.now()) return undefined;
      return data.get(sid);
    };

    return {
      readJSON,
      readSession(sid) {
        try {
          const text = readJSON(sid);
          return text === undefined ? undefined : { session: parseStoredSession(sid, text), text };
        } catch (err) {
          if (!isCorruptEntry(err)) throw err;
          removeCorrupt(err);
          return undefined;
        }
      },
      writeJSON(sid, json, expiresAt, baseData, waiter) {
        if (isClosed()) return Promise.reject(storeClosed());
        try {
          const key = sidOrThrow(sid);
          const text = checkSessionText(json);
          const stamp = expiryFor(expiresAt);
          return waiter === undefined ? writes.write(key, text, stamp, baseData) : writes.write(key, text, stamp, baseData, waiter);
        } catch (err) {
          return Promise.reject(err);
        }
      },
      touch(sid, _json, expiresAt, waiter) {
        if (isClosed()) return Promise.reject(storeClosed());
        if (!isStorableSid(sid)) return undefined;
        // Only the 8-byte expiry is rewritten, and only while the session
        // exists, so a touch racing a destroy in another process cannot
        // resurrect it, nor overwrite newer data with what this request read.
        const stamp = expiryFor(expiresAt);
        return waiter === undefined ? writes.touch(sid, stamp) : writes.touch(sid, stamp, waiter);
      },
      destroy(sid, waiter) {
        if (isClosed()) return Promise.reject(storeClosed());
        if (!isStorableSid(sid)) return undefined;
        return waiter === undefined ? writes.destroy(sid) : writes.destroy(sid, waiter);
      },
    };
  }

  /**
   * Walks the live (unexpired) expiry records in key order with a lazy cursor,
   * so memory holds one entry at a time plus whatever `visit` keeps.
   */
  private scan<T>(callback: Callback<T>, out: T, visit: (out: T, sid: string) => void): void {
    if (this.closing !== undefined) {
      process.nextTick(callback, storeClosed());
      return;
    }
    try {
      this.env.root.resetReadTxn();
      const now = Date.now();
      for (const { key, value } of this.env.expiry.getRange({})) {
        if (decodeExpiry(value) > now) visit(out, key);
      }
    } catch (err) {
      process.nextTick(callback, err);
      return;
    }
    process.nextTick(callback, null, out);
  }
}

// Before anyone can patch them: the side door is used only while these are the methods a store has.
recordFastStoreMethods(LmdbStore.prototype);

/** When a commit counts as acknowledged: 'flush' also waits for lmdb's flush to disk. */
function acknowledgement(env: LmdbEnvironment, durability: ResolvedLmdbStoreOptions['durability']) {
  const { root } = env;
  return durability === 'flush'
    ? (commit: Promise<unknown>): Promise<void> => commit.then(() => root.flushed as unknown as Promise<void>)
    : (commit: Promise<unknown>): Promise<void> => commit as Promise<void>;
}

/**
 * Calls back once, asynchronously, outside the promise chain, so an exception
 * thrown by the callback surfaces as an ordinary uncaught error rather than
 * an unhandled rejection, and a rejection never calls it twice.
 */
function settle<T>(result: void | Promise<T> | typeof WAITING, callback: Callback<T> | undefined, passValue = false): void {
  // WAITING only answers a write given a waiter, which the callback API never passes.
  if (!(result instanceof Promise)) {
    if (callback) process.nextTick(callback, null);
    return;
  }
  if (callback === undefined) {
    // Nobody is waiting; keep a failed write from becoming an unhandled rejection.
    result.catch(() => undefined);
    return;
  }
  result.then(
    (value) => (passValue ? process.nextTick(callback, null, value) : process.nextTick(callback, null)),
    (err) => process.nextTick(callback, err),
  );
}
