import { invalidOption } from '../../errors';
import { allKeysOf, warnUnknownOptions } from '../../unknown-options';
import { checkUserKey } from '../../format/user-field';

/**
 * How far a write must have gone before its callback (or promise) reports
 * success. Every setting survives the process being killed (kill -9): a
 * commit is in the OS's file cache before it is acknowledged. They differ in
 * what an OS crash or power loss can do.
 */
export type LmdbDurability =
  /**
   * Committed: visible to every thread and process, and in the OS's file
   * cache. Not fsynced per commit (lmdb's noSync); the store flushes to disk
   * in the background once a second when something was written. An OS crash
   * or power loss can lose about the last second of writes and, since LMDB
   * without fsync does not control the order pages reach the disk, in the
   * worst case damage the file (see docs/lmdb-store.md for what to do).
   */
  | 'background'
  /**
   * Committed and its data pages fsynced before it is acknowledged. The
   * metadata fsync is skipped (lmdb's noMetaSync), so a system crash can roll
   * back the last commits but never corrupts the database.
   */
  | 'commit'
  /** Committed and fsynced: kept through power loss too, at the cost of waiting for the disk on every batch. */
  | 'flush'
  /**
   * Committed without any fsync by the store (lmdb's noSync): the OS writes
   * the pages back on its own schedule (about 30 s on Linux). An OS crash or
   * power loss may lose or damage the database. For throwaway data.
   */
  | 'none';

/** The options users pass to `new LmdbStore(options)`. */
export interface LmdbStoreOptions {
  /** Directory of the LMDB environment; every thread and process that opens it shares the sessions. */
  path: string;
  /** Lifetime in ms of a session whose cookie has no `expires` (default one day). */
  ttl?: number;
  /** Ms between background sweeps of expired sessions (default 60 s); 0 turns sweeping off. */
  sweepInterval?: number;
  /** Expiry records scanned per sweep batch, so one batch never holds the thread for long (default 1000). */
  sweepBatchSize?: number;
  /** See LmdbDurability (default 'background'). */
  durability?: LmdbDurability;
  /** Initial size in bytes of the memory map; lmdb grows it as needed (default lmdb's own). */
  mapSize?: number;
  /**
   * The top-level session field that names the user (e.g. `'userId'`). With
   * it the store keeps a per-user index inside the environment, for
   * `idsOf(user)` and `destroyAllOf(user, exceptSid)`. Every process on one
   * path must pass the same value. Default: no index.
   */
  userKey?: string;
}

/** The options after validation, every field filled. */
export interface ResolvedLmdbStoreOptions {
  path: string;
  ttl: number;
  sweepInterval: number;
  sweepBatchSize: number;
  durability: LmdbDurability;
  mapSize: number | undefined;
  userKey: string | undefined;
}

const LMDB_STORE_OPTION_KEYS = allKeysOf<LmdbStoreOptions>()(['path', 'ttl', 'sweepInterval', 'sweepBatchSize', 'durability', 'mapSize', 'userKey']);

const DEFAULTS = {
  ttl: 86_400_000,
  sweepInterval: 60_000,
  sweepBatchSize: 1000,
  durability: 'background',
  mapSize: undefined,
} as const satisfies Omit<ResolvedLmdbStoreOptions, 'path' | 'userKey'>;

const DURABILITIES: readonly string[] = ['background', 'commit', 'flush', 'none'];

function isPositiveFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** Validates once, at construction, throwing `TypeError('options.<name> must be …')` with code ERR_SESSION_INVALID_OPTION. */
export function resolveLmdbStoreOptions(options: LmdbStoreOptions | undefined): ResolvedLmdbStoreOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options must be an object with a path');
  }
  warnUnknownOptions('new LmdbStore()', options, LMDB_STORE_OPTION_KEYS);
  const { path } = options;
  if (typeof path !== 'string' || path.length === 0) {
    throw invalidOption('options.path must be a non-empty string');
  }
  const ttl = options.ttl ?? DEFAULTS.ttl;
  if (!isPositiveFinite(ttl)) {
    throw invalidOption('options.ttl must be a positive finite number of milliseconds');
  }
  const sweepInterval = options.sweepInterval ?? DEFAULTS.sweepInterval;
  if (sweepInterval !== 0 && !isPositiveFinite(sweepInterval)) {
    throw invalidOption('options.sweepInterval must be 0 or a positive finite number of milliseconds');
  }
  const sweepBatchSize = options.sweepBatchSize ?? DEFAULTS.sweepBatchSize;
  if (!Number.isInteger(sweepBatchSize) || sweepBatchSize < 1) {
    throw invalidOption('options.sweepBatchSize must be a positive integer');
  }
  const durability = options.durability ?? DEFAULTS.durability;
  if (!DURABILITIES.includes(durability)) {
    throw invalidOption('options.durability must be "background", "commit", "flush" or "none"');
  }
  const mapSize = options.mapSize ?? DEFAULTS.mapSize;
  if (mapSize !== undefined && !(Number.isInteger(mapSize) && mapSize > 0)) {
    throw invalidOption('options.mapSize must be a positive integer number of bytes');
  }
  const { userKey } = options;
  checkUserKey(userKey);
  return { path, ttl, sweepInterval, sweepBatchSize, durability, mapSize, userKey };
}
