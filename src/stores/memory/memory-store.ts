import { sessionTooLarge, sidNotString, sidTooLong, storedSessionNotJson, storeSerializeEmpty, storeSerializeFailed } from '../../errors';
import { Store } from '../../session/store';
import type { StoreCallback, StoredSession } from '../../types';
import { EngineLimitError, LruStoreEngine, TOUCH_NEEDS_REWRITE, TOUCH_NO_ROOM, type LruEngineStats } from '../../wasm/lru-store';
import { FAST_STORE, recordFastStoreMethods, type FastStoreAccess } from '../fast-store';
import { cookieExpiry, effectiveExpiry } from './expiry';
import { resolveMemoryStoreOptions, type MemoryStoreOptions, type ResolvedMemoryStoreOptions } from './options';
import { startSweeping, type Sweeper } from './sweeper';

export type { MemoryStoreOptions } from './options';

export interface MemoryStoreStats extends LruEngineStats {
  /** The configured bound of the arena. */
  maxBytes: number;
}

/**
 * The default session store: session JSON and its index live in the linear
 * memory of this store's own Wasm instance (assembly/lru-store.ts), bounded by
 * `maxBytes` (and `maxEntries`) with least-recently-used eviction, expired
 * sessions swept a shard per tick. The JS heap does not grow with the number
 * of sessions. The callback API matches express-session's MemoryStore, with
 * every callback called once, asynchronously (process.nextTick).
 */
export class MemoryStore extends Store {
  readonly [FAST_STORE]: FastStoreAccess;
  private readonly engine: LruStoreEngine;
  private readonly options: ResolvedMemoryStoreOptions;
  private sweeper: Sweeper | undefined;

  constructor(options?: MemoryStoreOptions) {
    super();
    this.options = resolveMemoryStoreOptions(options);
    this.engine = new LruStoreEngine(this.options.maxBytes, this.options.maxEntries);
    this[FAST_STORE] = createFastAccess(this.engine, this.options);
    this.sweeper = startSweeping(this.engine, this.options.sweepInterval);
  }

  get(sid: string, callback: StoreCallback<StoredSession | null | undefined>): void {
    let session: StoredSession | undefined;
    try {
      const json = this.engine.read(checkedSid(sid), Date.now());
      session = json === undefined ? undefined : parseStored(json);
    } catch (err) {
      process.nextTick(callback, storeError(err, this.engine));
      return;
    }
    process.nextTick(callback, null, session);
  }

  set(sid: string, session: object, callback?: StoreCallback): void {
    this.run(callback, () => {
      const json = stringify(session);
      this.engine.write(checkedSid(sid), json, effectiveExpiry(cookieExpiry(session), this.options.ttl));
    });
  }

  /** Gives a stored session its new cookie and expiry, keeping the stored data as it is. Absent sessions stay absent. */
  touch(sid: string, session: object, callback?: StoreCallback): void {
    this.run(callback, () => {
      const key = checkedSid(sid);
      const cookie = (session as { cookie?: unknown } | null)?.cookie;
      const expires = effectiveExpiry(cookieExpiry(session), this.options.ttl);
      const cookieJSON = cookie === undefined ? undefined : stringify(cookie);
      const result =
        cookieJSON === undefined ? TOUCH_NEEDS_REWRITE : this.engine.touch(key, '{"cookie":' + cookieJSON, expires, Date.now());
      if (result === TOUCH_NEEDS_REWRITE) rewriteCookie(this.engine, key, cookie, expires);
      else if (result === TOUCH_NO_ROOM) throw new EngineLimitError('value', 0);
    });
  }

  destroy(sid: string, callback?: StoreCallback): void {
    this.run(callback, () => {
      this.engine.remove(checkedSid(sid));
    });
  }

  /** Every live session by ID, parsed, in an object without prototype (as the reference returns). */
  all(callback: StoreCallback<Record<string, StoredSession>>): void {
    const sessions: Record<string, StoredSession> = Object.create(null);
    try {
      this.engine.forEach(Date.now(), (sid, json) => {
        sessions[sid] = parseStored(json);
      });
    } catch (err) {
      process.nextTick(callback, storeError(err, this.engine));
      return;
    }
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
    if (callback) process.nextTick(callback);
  }

  /** Counters since construction (hits, misses, evictions, expirations) and current gauges (entries, bytes). */
  stats(): MemoryStoreStats {
    return { ...this.engine.stats(), maxBytes: this.options.maxBytes };
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
function createFastAccess(engine: LruStoreEngine, options: ResolvedMemoryStoreOptions): FastStoreAccess {
  const ttl = options.ttl;
  const write = (sid: string, json: string, expiresAt: number): void => {
    try {
      engine.write(checkedSid(sid), json, effectiveExpiry(expiresAt, ttl));
    } catch (err) {
      throw storeError(err, engine);
    }
  };
  return {
    readJSON(sid) {
      try {
        return engine.read(checkedSid(sid), Date.now());
      } catch (err) {
        throw storeError(err, engine);
      }
    },
    writeJSON: write,
    touch(sid, json, expiresAt) {
      let result: number;
      try {
        result = engine.touch(checkedSid(sid), json, effectiveExpiry(expiresAt, ttl), Date.now());
      } catch (err) {
        throw storeError(err, engine);
      }
      // The text is the whole session as the middleware has it, unchanged since load: writing it is a touch.
      if (result === TOUCH_NEEDS_REWRITE) write(sid, json, expiresAt);
      else if (result === TOUCH_NO_ROOM) throw storeError(new EngineLimitError('value', Buffer.byteLength(json)), engine);
    },
    destroy(sid) {
      try {
        engine.remove(checkedSid(sid));
      } catch (err) {
        throw storeError(err, engine);
      }
    },
  };
}

function checkedSid(sid: unknown): string {
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

function stringify(value: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw storeSerializeFailed(cause);
  }
  if (json === undefined) throw storeSerializeEmpty(value);
  return json;
}

function parseStored(json: string): StoredSession {
  try {
    return JSON.parse(json) as StoredSession;
  } catch (cause) {
    throw storedSessionNotJson(cause);
  }
}

/** The slow touch: the stored data with the new cookie, written whole (as the reference's touch does). */
function rewriteCookie(engine: LruStoreEngine, sid: string, cookie: unknown, expires: number): void {
  const json = engine.read(sid, Date.now());
  if (json === undefined) return;
  const stored = parseStored(json);
  stored.cookie = cookie as StoredSession['cookie'];
  engine.write(sid, stringify(stored), expires);
}
