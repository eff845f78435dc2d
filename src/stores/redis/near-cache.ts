import { randomUUID } from 'node:crypto';
import type { RedisCommands } from './client';

/** Keys of the probe that tells whether Redis reports a script's writes back to the connection that ran it. */
const PROBE_PREFIX = '__wasm-session-near-cache-probe:';

/**
 * RedisStore's opt-in near-cache (`cache: { maxEntries }`): session texts
 * kept in this process, so a request that only reads its session reads no
 * bytes from Redis while the entry is unchanged.
 *
 * The store then talks to Redis through its own connection, a duplicate of
 * the app's client speaking RESP3 with client-side tracking in broadcast
 * mode for the session prefix (`CLIENT TRACKING ON BCAST PREFIX p NOLOOP`):
 * Redis pushes an invalidation on that connection for every change of a
 * session key by anyone else (a write, a delete, an expiry, an eviction),
 * and none for this connection's own writes, whose text the cache takes as
 * written. An entry is dropped when its invalidation arrives, so a change
 * made by another process is seen by the first request after it, and a read
 * can be stale for at most the time the invalidation takes to arrive (the
 * network's one-way delay; sub-millisecond on a LAN).
 *
 * Replies and invalidations share the connection and arrive in the order
 * Redis executed them; but a reply settles its promise a microtask after the
 * push that follows it may already have been handled. So every operation
 * in flight on a key counts the invalidations of that key, and its reply is
 * cached only if there were none, or, for a write made by a script, exactly
 * the one Redis sends for that write: NOLOOP does not cover scripts in the
 * Redis versions that report them (7.0 does), which a probe at every
 * (re)connect tells apart. While the connection is down or its tracking is not set
 * up (after every reconnect), nothing is cached or served from the cache.
 */
export class NearCache {
  /** The store's connection while the cache is on: every session command goes through it. */
  readonly connection: RedisCommands;
  private readonly entries = new Map<string, Entry>();
  /** Keys with an operation in flight → whether an invalidation of that key arrived meanwhile. */
  private readonly inFlight = new Map<string, InFlight>();
  /** Bumped whenever tracking stops or starts: an operation that began under another epoch is not cached. */
  private epoch = 0;
  private tracking = false;
  /** Whether a script's write comes back to us as an invalidation despite NOLOOP (probed). */
  private scriptsReportBack = true;
  private closed = false;
  hits = 0;
  misses = 0;

  constructor(
    client: RedisCommands,
    private readonly prefix: string,
    private readonly maxEntries: number,
  ) {
    this.connection = client.duplicate({ RESP: 3, emitInvalidate: true });
    const connection = this.connection;
    connection.on('error', () => this.stopTracking());
    connection.on('reconnecting', () => this.stopTracking());
    connection.on('end', () => this.stopTracking());
    connection.on('invalidate', (key: unknown) => this.invalidate(key === null ? null : String(key)));
    connection.on('ready', () => void this.startTracking());
    connection.connect().catch(() => undefined);
  }

  /** The cached text of `key`, or undefined (then read through `run`); counted as a hit or a miss. */
  lookup(key: string, now: number): string | undefined {
    if (!this.tracking) return undefined;
    const text = this.peek(key, now);
    if (text === undefined) this.misses++;
    else this.hits++;
    return text;
  }

  /** The cached text of `key` if live, made the most recently used; not counted. */
  private peek(key: string, now: number): string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: Map order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.text;
  }

  /**
   * Runs one command on `key` (every command of the store on a session key
   * goes through here) and, when it answers a text to keep, caches it unless
   * the key was invalidated meanwhile (beyond the one invalidation a script's
   * own write brings back, where Redis sends it). `keep` maps the reply to the
   * text and its lifetime in ms (-1: none; undefined: do not cache, the
   * entry is dropped).
   *
   * The commands on one key run one at a time: a reply then always holds the
   * latest state this process knows of (no reply of an earlier command can
   * settle after it), and a read queued behind another finds what that one
   * cached (`fromCache`) instead of asking Redis again.
   */
  run<T>(
    key: string,
    command: () => Promise<T>,
    keep: (reply: T) => { text: string; ttlMs: number } | undefined,
    byScript = false,
    fromCache?: (text: string) => T,
  ): Promise<T> {
    let pending = this.inFlight.get(key);
    if (pending === undefined) this.inFlight.set(key, (pending = { count: 0, invalidations: 0, tail: Promise.resolve(), read: undefined }));
    const queue = pending;
    // A read behind a read of the same key, with no invalidation since that one was asked for, shares its answer.
    const shared = queue.read;
    if (fromCache !== undefined && shared !== undefined && shared.invalidations === queue.invalidations) return shared.answer as Promise<T>;
    queue.count++;
    const turn = queue.tail.then(() => this.runNow(key, queue, command, keep, byScript, fromCache));
    queue.tail = turn.catch(() => undefined);
    const answer = turn.finally(() => {
      if (queue.read?.answer === answer) queue.read = undefined;
      if (--queue.count === 0 && this.inFlight.get(key) === queue) this.inFlight.delete(key);
    });
    queue.read = fromCache === undefined ? undefined : { answer, invalidations: queue.invalidations };
    return answer;
  }

  private async runNow<T>(
    key: string,
    queue: InFlight,
    command: () => Promise<T>,
    keep: (reply: T) => { text: string; ttlMs: number } | undefined,
    byScript: boolean,
    fromCache: ((text: string) => T) | undefined,
  ): Promise<T> {
    if (fromCache !== undefined && this.tracking) {
      // A read queued behind another command (counted as a miss when it was asked) takes what that one left.
      const cached = this.peek(key, Date.now());
      if (cached !== undefined) return fromCache(cached);
    }
    const epoch = this.epoch;
    const active = this.tracking;
    const seenBefore = queue.invalidations;
    // Whatever the command does, the old entry is no longer the truth to serve meanwhile.
    this.entries.delete(key);
    const reply = await command();
    const kept = keep(reply);
    const expected = byScript && this.scriptsReportBack ? 1 : 0;
    const unchanged = queue.invalidations - seenBefore === expected;
    if (kept !== undefined && active && this.tracking && epoch === this.epoch && unchanged) this.remember(key, kept.text, kept.ttlMs);
    else this.entries.delete(key);
    return reply;
  }

  /** Whether the cache is serving: its connection is up and Redis is tracking the prefix for it. */
  get active(): boolean {
    return this.tracking;
  }

  /**
   * Whether a touch to `expiresAt` can be left out: the cached entry (so the
   * stored key, as far as Redis has told us) already expires within `slackMs`
   * of it. Redis's EXPIRE counts whole seconds, so a touch within the same
   * second changes nothing a reader could tell.
   */
  expiresNear(key: string, expiresAt: number, slackMs: number): boolean {
    if (!this.tracking) return false;
    const entry = this.entries.get(key);
    return entry !== undefined && expiresAt - entry.expiresAt < slackMs && entry.expiresAt - expiresAt < slackMs;
  }

  /** Gives a cached entry its new lifetime after this process's own touch (which Redis does not report back). */
  touched(key: string, ttlMs: number): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.expiresAt = ttlMs < 0 ? Infinity : Date.now() + ttlMs;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /** After this process removed keys through another connection (clear): nothing cached is known to be right. */
  forgetAll(): void {
    this.invalidate(null);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Closes the store's own connection; the app's client is the app's. */
  close(): Promise<void> {
    this.closed = true;
    this.stopTracking();
    const connection = this.connection as RedisCommands & { close?(): Promise<unknown> };
    return Promise.resolve(connection.close?.())
      .catch(() => connection.destroy?.())
      .then(() => undefined);
  }

  private remember(key: string, text: string, ttlMs: number): void {
    if (ttlMs === 0 || ttlMs < -1) return;
    this.entries.set(key, { text, expiresAt: ttlMs === -1 ? Infinity : Date.now() + ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private invalidate(key: string | null): void {
    if (key === null) {
      // FLUSHALL / FLUSHDB, or Redis dropped our tracking table: nothing cached is known to be right.
      this.entries.clear();
      // More than any operation can expect: none of those in flight is cached.
      for (const pending of this.inFlight.values()) pending.invalidations += 2;
      return;
    }
    this.entries.delete(key);
    const pending = this.inFlight.get(key);
    if (pending !== undefined) pending.invalidations++;
  }

  private stopTracking(): void {
    this.tracking = false;
    this.epoch++;
    this.invalidate(null);
  }

  /**
   * After every (re)connect: node-redis's handshake turned default tracking
   * on; broadcast mode for the prefix, without our own writes, replaces it.
   */
  private async startTracking(): Promise<void> {
    this.stopTracking();
    const epoch = this.epoch;
    const connection = this.connection as RedisCommands & { sendCommand(args: string[]): Promise<unknown> };
    const prefix = this.prefix;
    // Broadcast prefixes may not overlap; the probe then uses a key under the sessions' own prefix.
    const probeApart = prefix !== '' && !PROBE_PREFIX.startsWith(prefix) && !prefix.startsWith(PROBE_PREFIX);
    const probeKey = (probeApart ? PROBE_PREFIX : prefix) + randomUUID();
    let reportedBack = false;
    const onProbe = (key: unknown): void => {
      if (key !== null && String(key) === probeKey) reportedBack = true;
    };
    try {
      await connection.sendCommand(['CLIENT', 'TRACKING', 'OFF']);
      const prefixes = prefix === '' ? [] : probeApart ? ['PREFIX', prefix, 'PREFIX', PROBE_PREFIX] : ['PREFIX', prefix];
      await connection.sendCommand(['CLIENT', 'TRACKING', 'ON', 'BCAST', ...prefixes, 'NOLOOP']);
      connection.on('invalidate', onProbe);
      await connection.eval("redis.call('SET', KEYS[1], '1', 'PX', 1000) return 1", { keys: [probeKey], arguments: [] });
      // Any invalidation the script caused was sent before this reply.
      await connection.sendCommand(['PING']);
    } catch {
      return; // the connection went away again; its next 'ready' tries again
    } finally {
      (connection as unknown as { off(event: string, listener: (key: unknown) => void): void }).off('invalidate', onProbe);
    }
    this.scriptsReportBack = reportedBack;
    if (epoch !== this.epoch || this.closed) return;
    this.epoch++;
    this.tracking = true;
  }
}

interface Entry {
  text: string;
  expiresAt: number;
}

interface InFlight {
  /** Commands on the key queued or running. */
  count: number;
  /** Settles when the last queued command has. */
  tail: Promise<unknown>;
  /** The last queued command when it is a read: later reads share it (invalidations: the count when it was queued). */
  read: { answer: Promise<unknown>; invalidations: number } | undefined;
  /** Invalidations of the key that arrived while operations on it were in flight (a running count). */
  invalidations: number;
}
