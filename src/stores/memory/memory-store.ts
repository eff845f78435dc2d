import { sessionTooLarge, sidNotString, sidTooLong, userKeyMissing, type SessionError } from '../../errors';
import { Store } from '../../session/store';
import type { StoreCallback, StoredSession } from '../../types';
import { EngineLimitError, LruStoreEngine, type LruEngineStats } from '../../wasm/lru-store';
import { FAST_STORE, recordFastStoreMethods, type FastStoreAccess } from '../fast-store';
import { DROP, MINE_OVER_BASE, mergeOverStored } from '../../format/merge';
import { answer } from '../../format/answer';
import type { PerUserSessions } from '../per-user';
import { explicitSaveBase } from '../save-base';
import { userText } from '../../format/user-field';
import { checkSessionText, parseStoredSession, sidFitsKey, stringifySession } from '../../format/stored-json';
import { announceCorrupt } from '../announce-corrupt';
import { cookieExpiry, effectiveExpiry } from '../../format/expiry';
import { resolveMemoryStoreOptions, type MemoryStoreOptions, type ResolvedMemoryStoreOptions } from './options';
import { startSweeping, type SweepTimer } from './sweeper';
import { MemoryUserIndex } from './user-index';

export type { MemoryStoreOptions } from './options';

export interface MemoryStoreStats extends LruEngineStats {
  /** The configured bound of the arena. */
  maxBytes: number;
  /** Corrupt entries met on reads and removed (each one also emitted a `'corrupt'` event). */
  corrupt: number;
}

/**
 * The default session store: session JSON and its index live in the linear
 * memory of this store's own Wasm instance (assembly/lru-store.ts), bounded by
 * `maxBytes` (and `maxEntries`) with least-recently-used eviction, expired
 * sessions swept a shard per tick. The JS heap does not grow with the number
 * of sessions. The callback API matches express-session's MemoryStore, with
 * every callback called once, asynchronously (process.nextTick).
 */
export class MemoryStore extends Store implements PerUserSessions {
  readonly [FAST_STORE]: FastStoreAccess;
  private readonly engine: LruStoreEngine;
  /** The per-user index, with the userKey option. */
  private readonly users: MemoryUserIndex | undefined;
  private readonly options: ResolvedMemoryStoreOptions;
  private sweeper: SweepTimer | undefined;
  private corruptRemoved = 0;

  constructor(options?: MemoryStoreOptions) {
    super();
    this.options = resolveMemoryStoreOptions(options);
    this.engine = new LruStoreEngine(this.options.maxBytes, this.options.maxEntries);
    const userKey = this.options.userKey;
    this.users = userKey === undefined ? undefined : new MemoryUserIndex(userKey, this.engine);
    this[FAST_STORE] = createFastAccess(this.engine, this.options, this.users, (err) => {
      this.corruptRemoved++;
      announceCorrupt(this, err);
    });
    this.sweeper = startSweeping(this.engine, this.options.sweepInterval);
  }

  get(sid: string, callback: StoreCallback<StoredSession | null | undefined>): void {
    let session: StoredSession | undefined;
    try {
      session = this[FAST_STORE].readSession(sid)?.session;
    } catch (err) {
      process.nextTick(callback, storeError(err, this.engine));
      return;
    }
    process.nextTick(callback, null, session);
  }

  set(sid: string, session: object, callback?: StoreCallback): void {
    this.run(callback, () => {
      const json = stringifySession(session);
      saveMerged(this.engine, this.users, sidOrThrow(sid), json, effectiveExpiry(cookieExpiry(session), this.options.ttl), explicitSaveBase(session));
    });
  }

  /** Gives a stored session its new cookie and expiry, keeping the stored data as it is. Absent sessions stay absent. */
  touch(sid: string, session: object, callback?: StoreCallback): void {
    this.run(callback, () => {
      const key = sidOrThrow(sid);
      if (!sidFitsKey(key, this.engine.keyCapacity)) return;
      const cookie = (session as { cookie?: unknown } | null)?.cookie;
      const expires = effectiveExpiry(cookieExpiry(session), this.options.ttl);
      const cookieJSON = cookie === undefined ? undefined : stringifySession(cookie);
      const { TOUCH_NEEDS_REWRITE, TOUCH_NO_ROOM } = this.engine.constants;
      const result =
        cookieJSON === undefined ? TOUCH_NEEDS_REWRITE : this.engine.touch(key, '{"cookie":' + cookieJSON, expires, Date.now());
      if (result === TOUCH_NEEDS_REWRITE) rewriteCookie(this.engine, key, cookie, expires);
      else if (result === TOUCH_NO_ROOM) throw new EngineLimitError('value', 0);
    });
  }

  destroy(sid: string, callback?: StoreCallback): void {
    this.run(callback, () => {
      const key = sidOrThrow(sid);
      if (sidFitsKey(key, this.engine.keyCapacity)) {
        this.engine.remove(key);
        this.users?.removed(key);
      }
    });
  }

  /** The IDs of the live sessions of `user` (the userKey option's field); needs userKey. */
  idsOf(user: unknown, callback: StoreCallback<string[]>): void;
  idsOf(user: unknown): Promise<string[]>;
  idsOf(user: unknown, callback?: StoreCallback<string[]>): Promise<string[]> | void {
    return answer(() => this.liveSessionsOf(user, 'idsOf'), callback);
  }

  /** Destroys every session of `user` but `exceptSid`; resolves with how many went. Needs userKey. */
  destroyAllOf(user: unknown, exceptSid: string | undefined, callback: StoreCallback<number>): void;
  destroyAllOf(user: unknown, exceptSid?: string): Promise<number>;
  destroyAllOf(user: unknown, exceptSid?: string, callback?: StoreCallback<number>): Promise<number> | void {
    return answer(() => {
      let ended = 0;
      for (const sid of this.liveSessionsOf(user, 'destroyAllOf')) {
        if (sid === exceptSid) continue;
        this.engine.remove(sid);
        this.users!.removed(sid);
        ended++;
      }
      return ended;
    }, callback);
  }

  private liveSessionsOf(user: unknown, method: string): string[] {
    if (this.users === undefined) throw userKeyMissing(method);
    const text = userText(user);
    return text === undefined ? [] : this.users.live(text, Date.now());
  }

  /** Every live session by ID, parsed, in an object without prototype (as the reference returns). Corrupt entries are left out. */
  all(callback: StoreCallback<Record<string, StoredSession>>): void {
    const sessions: Record<string, StoredSession> = Object.create(null);
    this.engine.forEach(Date.now(), (sid, json) => {
      try {
        sessions[sid] = parseStoredSession(sid, json);
      } catch {
        // Reported and removed when it is read by ID; listing the others goes on (as LmdbStore does).
      }
    });
    process.nextTick(callback, null, sessions);
  }

  /** The IDs of every live session. */
  ids(callback: StoreCallback<string[]>): void {
    const ids: string[] = [];
    this.engine.forEach(Date.now(), (sid) => {
      ids.push(sid);
    });
    process.nextTick(callback, null, ids);
  }

  /** How many live sessions there are (expired ones are dropped first). */
  length(callback: StoreCallback<number>): void {
    this.engine.sweepAll(Date.now());
    process.nextTick(callback, null, this.engine.entries);
  }

  clear(callback?: StoreCallback): void {
    this.engine.clear();
    this.users?.clear();
    if (callback) process.nextTick(callback);
  }

  /** Counters since construction (hits, misses, evictions, expirations, corrupt entries removed) and current gauges (entries, bytes). */
  stats(): MemoryStoreStats {
    return { ...this.engine.stats(), maxBytes: this.options.maxBytes, corrupt: this.corruptRemoved };
  }

  /** Stops the background sweep (sessions stay readable; expired ones still vanish when read). */
  stopSweeping(): void {
    this.sweeper?.stop();
    this.sweeper = undefined;
  }

  /** Stops the background sweep so that tests and short scripts leave no timer behind. */
  close(callback?: StoreCallback): void {
    this.stopSweeping();
    if (callback) process.nextTick(callback);
  }

  /** Runs a write and reports its outcome to the optional callback, always asynchronously and once. */
  private run(callback: StoreCallback | undefined, write: () => void): void {
    let failure: unknown;
    try {
      write();
    } catch (err) {
      failure = storeError(err, this.engine);
    }
    if (callback === undefined) return;
    if (failure === undefined) process.nextTick(callback);
    else process.nextTick(callback, failure);
  }
}

// Before anyone can patch them: the side door is used only while these are the methods a store has.
recordFastStoreMethods(MemoryStore.prototype);

/** The synchronous access the middleware uses within the request's turn; errors are thrown (it passes them to next). */
function createFastAccess(
  engine: LruStoreEngine,
  options: ResolvedMemoryStoreOptions,
  users: MemoryUserIndex | undefined,
  onCorruptRemoved: (err: SessionError) => void,
): FastStoreAccess {
  const ttl = options.ttl;
  const { TOUCH_NEEDS_REWRITE, TOUCH_NO_ROOM } = engine.constants;
  const write = (sid: string, json: string, expiresAt: number, baseData?: string): void => {
    try {
      saveMerged(engine, users, sidOrThrow(sid), checkSessionText(json), effectiveExpiry(expiresAt, ttl), baseData);
    } catch (err) {
      throw storeError(err, engine);
    }
  };
  const readJSON = (sid: string): string | undefined => {
    const key = sidOrThrow(sid);
    // An ID too long to be a key was never stored: not found, as in express-session's MemoryStore.
    return sidFitsKey(key, engine.keyCapacity) ? engine.read(key, Date.now()) : undefined;
  };
  return {
    readJSON,
    readSession(sid) {
      const text = readJSON(sid);
      if (text === undefined) return undefined;
      try {
        return { session: parseStoredSession(sid, text), text };
      } catch (err) {
        // Damaged data, not a store outage: drop it so the next request starts afresh instead of failing forever.
        engine.remove(sid);
        users?.removed(sid);
        onCorruptRemoved(err as SessionError);
        return undefined;
      }
    },
    writeJSON: write,
    touch(sid, json, expiresAt) {
      const key = sidOrThrow(sid);
      if (!sidFitsKey(key, engine.keyCapacity)) return;
      let result: number;
      try {
        result = engine.touch(key, json, effectiveExpiry(expiresAt, ttl), Date.now());
      } catch (err) {
        throw storeError(err, engine);
      }
      // The text is the whole session as the middleware has it, unchanged since load: writing it is a touch.
      if (result === TOUCH_NEEDS_REWRITE) write(sid, json, expiresAt);
      else if (result === TOUCH_NO_ROOM) throw storeError(new EngineLimitError('value', Buffer.byteLength(json)), engine);
    },
    destroy(sid) {
      const key = sidOrThrow(sid);
      if (!sidFitsKey(key, engine.keyCapacity)) return;
      try {
        engine.remove(key);
        users?.removed(key);
      } catch (err) {
        throw storeError(err, engine);
      }
    },
  };
}

/**
 * A save, merged with what is stored when the request's base is known
 * (format/merge.ts). Read, merge and write happen in this one synchronous
 * call, so no other request's write can come between them.
 */
function saveMerged(
  engine: LruStoreEngine,
  users: MemoryUserIndex | undefined,
  sid: string,
  json: string,
  expires: number,
  baseData: string | undefined,
): void {
  if (baseData === undefined) {
    engine.write(sid, json, expires);
    users?.written(sid, json);
    return;
  }
  const merged = mergeOverStored(baseData, json, engine.peek(sid, Date.now()));
  if (merged === DROP) return;
  const text = merged === MINE_OVER_BASE ? json : merged;
  engine.write(sid, text, expires);
  // The store held the base, whose user the index has: a save that keeps it needs no index work.
  if (users !== undefined && !(merged === MINE_OVER_BASE && users.keepsUser(baseData, json))) users.written(sid, text);
}

/** The ID as the engine's key; its byte length is the engine's to check (sidTooLong). LmdbStore's sidOrThrow (lmdb/record.ts) applies lmdb's key rules. */
function sidOrThrow(sid: unknown): string {
  if (typeof sid !== 'string') throw sidNotString(sid);
  return sid;
}

/** Maps engine limits and serialisation failures to the store's coded errors. */
function storeError(err: unknown, engine: LruStoreEngine): unknown {
  if (err instanceof EngineLimitError) {
    return err.kind === 'key' ? sidTooLong(err.bytes, engine.keyCapacity) : sessionTooLarge(err.bytes, engine.maxBytes);
  }
  return err;
}

/** The slow touch: the stored data with the new cookie, written whole (as the reference's touch does). */
function rewriteCookie(engine: LruStoreEngine, sid: string, cookie: unknown, expires: number): void {
  const json = engine.read(sid, Date.now());
  if (json === undefined) return;
  const stored = parseStoredSession(sid, json);
  stored.cookie = cookie as StoredSession['cookie'];
  engine.write(sid, stringifySession(stored), expires);
}
