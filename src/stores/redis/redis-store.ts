import { invalidOption, sidNotString, userKeyMissing, type SessionError } from '../../errors';
import { answer } from '../../format/answer';
import { checkSessionText, isCorruptEntry, parseStoredSession, stringifySession } from '../../format/stored-json';
import { userText } from '../../format/user-field';
import { Store } from '../../session/store';
import type { StoreCallback, StoredSession } from '../../types';
import { announceCorrupt } from '../announce-corrupt';
import { FAST_STORE, NOT_AT_HAND, recordFastStoreMethods, type FastStoreAccess, type LoadedSession } from '../fast-store';
import type { PerUserSessions } from '../per-user';
import { explicitSaveBase } from '../save-base';
import { commandsOf, isCluster, scanKeys, type RedisCommands } from './client';
import { RedisGuard } from './guard';
import { compareAndSet, WRITTEN, type MergedSave, type SaveAttempt, type SaveReply } from './merged-save';
import { NearCache } from './near-cache';
import { resolveRedisStoreOptions, type RedisStoreOptions, type ResolvedRedisStoreOptions } from './options';
import { runScript, SCRIPTS } from './scripts';
import { secondsUntil, ttlSeconds } from './ttl';
import { RedisUserIndex } from './user-index';
import { SessionSaves } from './session-saves';
import { LoadedExpiries } from './loaded-expiries';

export type { RedisStoreOptions } from './options';
export type { RedisClientLike } from './client';

export interface RedisStoreStats {
  /** Corrupt entries this store met on reads and removed (each one also emitted a `'corrupt'` event). */
  corrupt: number;
  /** Touches left out because the stored expiry was already within the same second (no round trip). */
  touchesSkipped: number;
  /** With the near-cache: reads it answered, reads it sent to Redis, the entries it holds, touches it left out, whether it is serving. */
  cache?: { hits: number; misses: number; entries: number; touchesSkipped: number; active: boolean };
}

type Callback<T = void> = StoreCallback<T>;

/** A merged save with what its write needs: the expiry as the script takes it, and in ms for the near-cache. */
interface TimedSave extends MergedSave {
  readonly expiry: string;
  readonly ttlMs: number;
}

/** A touch that would move the expiry the store knows by less than this is left out (EXPIRE counts whole seconds). */
const TOUCH_SLACK_MS = 1000;

/** Session keys whose expiry, as last read or set, is kept to leave needless touches out (loaded-expiries.ts). */
const LOADED_EXPIRIES = 4096;

/**
 * A session store on Redis through the app's own node-redis 5 client or
 * cluster. Keys and values are connect-redis's (`prefix + sid` → the
 * session's JSON, expiring as connect-redis computes it), so an app moves
 * between the two on a live Redis without logging anybody out.
 *
 * What it adds over connect-redis: a save from a request that loaded the
 * session is merged with what Redis holds at that moment, atomically
 * (merged-save.ts), so concurrent requests on any number of machines keep
 * each other's changes; a destroyed or expired session is never written
 * back by such a save (destroy wins); and with `userKey`, a per-user index
 * for `idsOf` and `destroyAllOf` shared by every process.
 *
 * Every method answers once: through the callback when one is given,
 * through the returned promise otherwise.
 */
export class RedisStore extends Store implements PerUserSessions {
  /**
   * The middleware's side door (fast-store.ts): the request's own JSON goes
   * to Redis as it is, and a near-cache hit is read without waiting. Absent
   * with a ttl function, which is owed the session object connect-redis
   * hands it, as only the callback API has it.
   */
  readonly [FAST_STORE]?: FastStoreAccess;
  private readonly options: ResolvedRedisStoreOptions;
  private readonly client: RedisCommands;
  /** Where the commands on session keys go: the app's client, or the near-cache's own connection. */
  private readonly sessions: RedisCommands;
  private readonly cache: NearCache | undefined;
  private readonly guard: RedisGuard;
  private readonly users: RedisUserIndex | undefined;
  /** Merged saves, pipelined per session while they succeed (session-saves.ts); batched instead with the near-cache. */
  private readonly saves: SessionSaves<TimedSave>;
  /** Without the near-cache: the expiries this process last read or set, so a needless touch can be left out. */
  private readonly loadedExpiries: LoadedExpiries | undefined;
  private corruptRemoved = 0;
  private touchesSkipped = 0;
  /** Whether touch restarts the expiry at all (connect-redis's disableTouch and disableTTL both turn it off). */
  private readonly touches: boolean;

  constructor(options: RedisStoreOptions) {
    super();
    this.options = resolveRedisStoreOptions(options);
    this.client = commandsOf(this.options.client);
    if (this.options.cacheEntries > 0 && isCluster(this.client)) {
      throw invalidOption('options.cache needs a single Redis client (createClient), not a cluster');
    }
    this.cache = this.options.cacheEntries > 0 ? new NearCache(this.client, this.options.prefix, this.options.cacheEntries) : undefined;
    this.sessions = this.cache?.connection ?? this.client;
    this.guard = new RedisGuard(this.sessions, this.options.timeout);
    this.touches = !this.options.disableTouch && !this.options.disableTTL;
    this.loadedExpiries = this.cache === undefined && this.touches ? new LoadedExpiries(LOADED_EXPIRIES, TOUCH_SLACK_MS) : undefined;
    this.saves = new SessionSaves<TimedSave>((sid, attempt, saves) => this.sendSave(sid, attempt, saves), this.cache === undefined);
    const { userKey, userPrefix } = this.options;
    this.users = userKey === undefined ? undefined : new RedisUserIndex(this.client, userKey, userPrefix, (sid) => this.key(sid));
    if (typeof this.options.ttl !== 'function') this[FAST_STORE] = this.createFastAccess(this.options.ttl);
  }

  /** The prefix of the session keys. */
  get prefix(): string {
    return this.options.prefix;
  }

  get(sid: string, callback?: Callback<StoredSession | null>): Promise<StoredSession | null> | undefined {
    return answer(() => this.guard.run('get session', () => this.read(sid)), callback);
  }

  /**
   * Writes the session. From a request that loaded it (the middleware's save,
   * or req.session.save()), merged with what Redis holds and dropped if the
   * session is gone; otherwise a plain upsert, as connect-redis's set.
   */
  set(sid: string, session: object, callback?: Callback): Promise<void> | undefined {
    return answer(() => this.guard.run('save session', () => this.write(sid, session, explicitSaveBase(session))), callback);
  }

  /** Restarts the expiry of a stored session (connect-redis's EXPIRE); an absent session stays absent. */
  touch(sid: string, session: object, callback?: Callback): Promise<void> | undefined {
    return answer(() => this.guard.run('touch session', () => this.restartExpiry(sid, session)), callback);
  }

  destroy(sid: string, callback?: Callback): Promise<void> | undefined {
    return answer(
      () =>
        this.guard.run('destroy session', async () => {
          await this.remove(this.key(sid));
        }),
      callback,
    );
  }

  /** Every stored session by ID, in an object without prototype (as our other stores answer); damaged entries are left out. */
  all(callback?: Callback<Record<string, StoredSession>>): Promise<Record<string, StoredSession>> | undefined {
    return answer(
      () =>
        this.guard.run('list sessions', async () => {
          const sessions: Record<string, StoredSession> = Object.create(null);
          const start = this.options.prefix.length;
          for await (const keys of this.scan()) {
            const texts = await Promise.all(keys.map((key) => this.client.get(key)));
            keys.forEach((key, i) => {
              const text = texts[i];
              if (!text) return;
              const sid = key.slice(start);
              try {
                sessions[sid] = parseStoredSession(sid, text);
              } catch {
                // Reported and removed when it is read by ID; listing the others goes on.
              }
            });
          }
          return sessions;
        }, false),
      callback,
    );
  }

  /** The IDs of the stored sessions (SCAN over the prefix, as connect-redis). */
  ids(callback?: Callback<string[]>): Promise<string[]> | undefined {
    return answer(
      () =>
        this.guard.run('list sessions', async () => {
          const start = this.options.prefix.length;
          return (await this.allKeys()).map((key) => key.slice(start));
        }, false),
      callback,
    );
  }

  /** How many sessions are stored. */
  length(callback?: Callback<number>): Promise<number> | undefined {
    return answer(() => this.guard.run('count sessions', async () => (await this.allKeys()).length, false), callback);
  }

  /** Removes every session under the prefix, and the per-user index with them. */
  clear(callback?: Callback): Promise<void> | undefined {
    return answer(
      () =>
        this.guard.run('clear sessions', async () => {
          const keys = await this.allKeys();
          if (this.users !== undefined) keys.push(...(await this.allKeys(this.options.userPrefix)));
          // One key per DEL: on a cluster the keys live in different slots.
          this.cache?.forgetAll();
          await Promise.all(keys.map((key) => this.client.del(key)));
          this.cache?.forgetAll();
        }, false),
      callback,
    );
  }

  /** The IDs of the live sessions of `user` (the userKey option's field), as every process sees them; needs userKey. */
  idsOf(user: unknown, callback: Callback<string[]>): void;
  idsOf(user: unknown): Promise<string[]>;
  idsOf(user: unknown, callback?: Callback<string[]>): Promise<string[]> | void {
    return answer(() => this.guard.run('list sessions of a user', () => this.liveSessionsOf(user, 'idsOf')), callback);
  }

  /** Destroys every session of `user` but `exceptSid`, for every process on this Redis; resolves with how many went. Needs userKey. */
  destroyAllOf(user: unknown, exceptSid: string | undefined, callback: Callback<number>): void;
  destroyAllOf(user: unknown, exceptSid?: string): Promise<number>;
  destroyAllOf(user: unknown, exceptSid?: string, callback?: Callback<number>): Promise<number> | void {
    return answer(
      () =>
        this.guard.run('destroy sessions of a user', async () => {
          const ids = (await this.liveSessionsOf(user, 'destroyAllOf')).filter((sid) => sid !== exceptSid);
          await Promise.all(ids.map((sid) => this.remove(this.key(sid))));
          await this.users!.forget(userText(user)!, ids);
          return ids.length;
        }),
      callback,
    );
  }

  /** Counters since construction. */
  stats(): RedisStoreStats {
    const cache = this.cache;
    return cache === undefined
      ? { corrupt: this.corruptRemoved, touchesSkipped: this.touchesSkipped }
      : {
          corrupt: this.corruptRemoved,
          touchesSkipped: this.touchesSkipped,
          cache: { hits: cache.hits, misses: cache.misses, entries: cache.size, touchesSkipped: this.touchesSkipped, active: cache.active },
        };
  }

  /** Closes the near-cache's own connection, if any. The app's client stays open: it is the app's to close. */
  close(callback?: Callback): Promise<void> | undefined {
    return answer(() => this.cache?.close() ?? Promise.resolve(), callback);
  }

  /**
   * What the middleware uses while get/set/touch/destroy are this class's own
   * (request/fast-path.ts): the same work as those methods under the same
   * guard, minus a second stringify and the callback hops.
   */
  private createFastAccess(ttl: number): FastStoreAccess {
    const guard = this.guard;
    const seconds = (expiresAt: number): number => secondsUntil(expiresAt, ttl, Date.now());
    const readsLater = (): never => {
      throw new Error('RedisStore is read through its later side: the middleware never loads it on first use');
    };
    return {
      readJSON: readsLater,
      readSession: readsLater,
      writeJSON: (sid, json, expiresAt, baseData) =>
        guard.run('save session', () => this.writeText(sid, checkSessionText(json), seconds(expiresAt), baseData)),
      touch: (sid, json, expiresAt) => {
        if (!this.touches) return;
        const lifetime = seconds(expiresAt);
        if (this.touchNeedless(sid, lifetime)) return;
        return guard.run('touch session', () => this.restart(sid, lifetime, this.users?.userIn(json)));
      },
      destroy: (sid) =>
        guard.run('destroy session', async () => {
          await this.remove(this.key(sid));
        }),
      later: {
        atHand: (sid) => {
          const cache = this.cache;
          if (cache === undefined) return NOT_AT_HAND;
          const key = this.key(sid);
          const text = cache.lookup(key, Date.now());
          return text === undefined ? NOT_AT_HAND : this.parsed(key, sid, text);
        },
        // Right after atHand: the cache was just asked, so straight to Redis.
        load: (sid, done) => {
          guard.run('get session', () => this.loadStored(sid, false)).then(
            (loaded) => done(undefined, loaded),
            (err: unknown) => done(err),
          );
        },
      },
    };
  }

  private key(sid: string): string {
    if (typeof sid !== 'string') throw sidNotString(sid);
    return this.options.prefix + sid;
  }

  private async read(sid: string): Promise<StoredSession | null> {
    return (await this.loadStored(sid))?.session ?? null;
  }

  /** The stored session and its text; undefined when absent, empty (as connect-redis reads it) or corrupt (then removed). */
  private async loadStored(sid: string, fromCache = true): Promise<LoadedSession | undefined> {
    const key = this.key(sid);
    return this.parsed(key, sid, await (fromCache ? this.readText(key) : this.fetchText(key)));
  }

  private parsed(key: string, sid: string, text: string | null | undefined): LoadedSession | undefined {
    if (!text) return undefined;
    try {
      return { session: parseStoredSession(sid, text), text };
    } catch (err) {
      if (!isCorruptEntry(err)) throw err;
      this.removeCorrupt(key, text, err);
      return undefined;
    }
  }

  /** Damaged data, not an outage: removed (unless rewritten meanwhile), so the next request starts afresh instead of failing forever. */
  private removeCorrupt(key: string, text: string, err: SessionError): void {
    this.onKey(key, () => runScript(this.sessions, SCRIPTS.deleteIfEqual, key, [text])).catch(() => undefined);
    this.corruptRemoved++;
    announceCorrupt(this, err);
  }

  private write(sid: string, session: object, baseData: string | undefined): Promise<void> {
    return this.writeText(sid, stringifySession(session), ttlSeconds(session, this.options, Date.now()), baseData);
  }

  /** Writes a session's text with a lifetime of `seconds` (connect-redis's rule for the lifetime, ttl.ts). */
  private async writeText(sid: string, json: string, seconds: number, baseData: string | undefined): Promise<void> {
    const key = this.key(sid);
    const { disableTTL } = this.options;
    if (!(seconds > 0)) {
      // connect-redis's rule: a session already past its end (or whose ttl function gave no lifetime) is deleted, not written.
      await this.remove(key);
      return;
    }
    const saved =
      baseData !== undefined
        ? this.saves.save(sid, { mine: json, baseData, expiry: disableTTL ? '' : String(seconds), ttlMs: disableTTL ? -1 : seconds * 1000 })
        : this.onKey(
            key,
            () => this.sessions.set(key, json, disableTTL ? undefined : { expiration: { type: 'EX', value: seconds } }),
            () => ({ text: json, ttlMs: disableTTL ? -1 : seconds * 1000 }),
          );
    await Promise.all([saved, this.index(sid, this.users?.userIn(json), seconds)]);
  }

  /** One compare-and-set of merged saves of a session; the last save's expiry is the newest. With the near-cache, the text written is kept. */
  private sendSave(sid: string, attempt: SaveAttempt, saves: readonly TimedSave[]): Promise<SaveReply> {
    const key = this.key(sid);
    const { expiry, ttlMs } = saves[saves.length - 1]!;
    return this.onKey(
      key,
      () => compareAndSet(this.sessions, key, attempt, expiry),
      (reply) => (reply === WRITTEN ? { text: attempt.text, ttlMs } : undefined),
      true,
    );
  }

  private async restartExpiry(sid: string, session: object): Promise<void> {
    if (!this.touches) return;
    const { userKey } = this.options;
    const seconds = ttlSeconds(session, this.options, Date.now());
    if (this.touchNeedless(sid, seconds)) return;
    await this.restart(sid, seconds, userKey === undefined ? undefined : userText((session as Record<string, unknown>)[userKey]));
  }

  /**
   * Whether a touch would leave the stored expiry within the same second
   * (EXPIRE counts whole seconds): then it is left out, no round trip. The
   * stored expiry is the near-cache's, or else the one this process read or
   * set within the last second (LoadedExpiries).
   */
  private touchNeedless(sid: string, seconds: number): boolean {
    if (!(seconds > 0)) return false;
    const key = this.key(sid);
    const now = Date.now();
    const expiresAt = now + seconds * 1000;
    let needless: boolean;
    if (this.cache !== undefined) {
      needless = this.cache.expiresNear(key, expiresAt, TOUCH_SLACK_MS);
    } else {
      const known = this.loadedExpiries?.known(key, now);
      needless = known !== undefined && Math.abs(expiresAt - known) < TOUCH_SLACK_MS;
    }
    if (needless) this.touchesSkipped++;
    return needless;
  }

  /** Restarts the expiry of a stored session for `seconds`, and its user's index with it. */
  private restart(sid: string, seconds: number, user: string | undefined): Promise<void> {
    const key = this.key(sid);
    return Promise.all([this.sessions.expire(key, seconds), this.index(sid, user, seconds)]).then(([restarted]) => {
      // Redis reports none of this connection's own changes to the near-cache: it learns the new lifetime here.
      if (restarted && seconds > 0) {
        this.cache?.touched(key, seconds * 1000);
        const now = Date.now();
        this.loadedExpiries?.remember(key, now + seconds * 1000, now);
      } else {
        this.cache?.forget(key);
        this.loadedExpiries?.forget(key);
      }
    });
  }

  /** A session's text: from the near-cache when it holds it, else from Redis. */
  private async readText(key: string): Promise<string | null> {
    const cached = this.cache?.lookup(key, Date.now());
    return cached !== undefined ? cached : this.fetchText(key);
  }

  /** GET, with its PTTL in the same round trip when a touch may follow; with the near-cache, kept. */
  private async fetchText(key: string): Promise<string | null> {
    const cache = this.cache;
    if (cache === undefined) {
      const expiries = this.loadedExpiries;
      if (expiries === undefined) return this.sessions.get(key);
      const [text, ttlMs] = await Promise.all([this.sessions.get(key), this.sessions.pTTL(key)]);
      const now = Date.now();
      if (text && ttlMs > 0) expiries.remember(key, now + ttlMs, now);
      return text;
    }
    const [text] = await cache.run(
      key,
      () => Promise.all([this.sessions.get(key), this.sessions.pTTL(key)]),
      ([text, ttlMs]) => (text ? { text, ttlMs } : undefined),
      false,
      (text): [string, number] => [text, -1],
    );
    return text;
  }

  /** A command on a session key; with the near-cache, `keep` says what text it leaves there (undefined: none). */
  private onKey<T>(
    key: string,
    command: () => Promise<T>,
    keep: (reply: T) => { text: string; ttlMs: number } | undefined = () => undefined,
    byScript = false,
  ): Promise<T> {
    return this.cache === undefined ? command() : this.cache.run(key, command, keep, byScript);
  }

  private remove(key: string): Promise<unknown> {
    return this.onKey(key, () => this.sessions.del(key));
  }

  /**
   * Keeps the user's set at least as long-lived as the session being written
   * or touched (a merged save adds mine's user: another user in the merged
   * text was listed by the save that wrote it). Nothing without a user.
   */
  private index(sid: string, user: string | undefined, seconds: number): Promise<unknown> | undefined {
    if (this.users === undefined || user === undefined || !(seconds > 0)) return undefined;
    return this.users.add(sid, user, this.options.disableTTL ? NaN : seconds);
  }

  private liveSessionsOf(user: unknown, method: string): Promise<string[]> {
    if (this.users === undefined) return Promise.reject(userKeyMissing(method));
    const text = userText(user);
    return text === undefined ? Promise.resolve([]) : this.users.live(text);
  }

  private scan(prefix = this.options.prefix): AsyncGenerator<string[]> {
    return scanKeys(this.client, prefix, this.options.scanCount);
  }

  /** Every key under `prefix`, each once (SCAN may repeat a key). */
  private async allKeys(prefix = this.options.prefix): Promise<string[]> {
    const keys = new Set<string>();
    for await (const batch of this.scan(prefix)) for (const key of batch) keys.add(key);
    return [...keys];
  }
}

recordFastStoreMethods(RedisStore.prototype);
