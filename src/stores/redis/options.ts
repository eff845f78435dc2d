import { invalidOption } from '../../errors';
import { checkUserKey } from '../../format/user-field';
import type { StoredSession } from '../../types';
import type { RedisClientLike } from './client';
import { allKeysOf, warnUnknownOptions } from '../../unknown-options';

/** What users may pass to `new RedisStore(options)`: connect-redis's options, plus this package's additions. */
export interface RedisStoreOptions {
  /** A node-redis 5 client (`createClient`) or cluster (`createCluster`), connected or connecting; the app owns it and closes it. */
  client: RedisClientLike;
  /** Key prefix of the sessions, as connect-redis's (default `sess:`): both read and write the same keys. */
  prefix?: string;
  /**
   * Lifetime in SECONDS (connect-redis's unit) of a session whose cookie has
   * no `expires`, or a function of the session giving its lifetime in
   * seconds. Default 86 400 (one day).
   */
  ttl?: number | ((session: StoredSession) => number);
  /** Keys get no expiry at all (and touch does nothing), as in connect-redis. */
  disableTTL?: boolean;
  /** touch() does nothing, as in connect-redis. */
  disableTouch?: boolean;
  /** SCAN's COUNT for all/ids/length/clear (default 100). */
  scanCount?: number;
  /** The session field naming the user, for `idsOf(user)` and `destroyAllOf(user, exceptSid)`. Default: no index. */
  userKey?: string;
  /** Key prefix of the per-user index sets (default `sess-users:` + prefix, outside the sessions' own prefix). */
  userPrefix?: string;
  /**
   * Milliseconds a store operation may take before it fails with
   * ERR_SESSION_STORE_UNAVAILABLE (default 5000; 0: no bound); the walks over
   * every session (all, ids, length, clear) are not bounded. A Redis that is
   * down fails at once instead, once the client has been ready.
   */
  timeout?: number;
  /** Opt-in near-cache of session reads (see near-cache.ts): `{ maxEntries }`. Default: none. */
  cache?: { maxEntries: number };
}

export interface ResolvedRedisStoreOptions {
  client: RedisClientLike;
  prefix: string;
  ttl: number | ((session: StoredSession) => number);
  disableTTL: boolean;
  disableTouch: boolean;
  scanCount: number;
  userKey: string | undefined;
  userPrefix: string;
  timeout: number;
  cacheEntries: number;
}

const DEFAULT_TTL_SECONDS = 86_400;

/** Validates once at construction; a bad option is a TypeError naming it, with code ERR_SESSION_INVALID_OPTION. */
const REDIS_STORE_OPTION_KEYS = allKeysOf<RedisStoreOptions>()([
  'client', 'prefix', 'ttl', 'disableTTL', 'disableTouch', 'scanCount', 'userKey', 'userPrefix', 'timeout', 'cache',
]);

export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  if (options === null || typeof options !== 'object') throw invalidOption('RedisStore options must be an object with a client');
  warnUnknownOptions('new RedisStore()', options, REDIS_STORE_OPTION_KEYS);
  const { client, prefix, ttl, disableTTL, disableTouch, scanCount, userKey, userPrefix, timeout, cache } = options;
  if (client === null || typeof client !== 'object' || typeof (client as { get?: unknown }).get !== 'function') {
    throw invalidOption('options.client must be a node-redis client or cluster (createClient or createCluster)');
  }
  if (prefix !== undefined && typeof prefix !== 'string') throw invalidOption('options.prefix must be a string');
  if (ttl !== undefined && typeof ttl !== 'function' && !(typeof ttl === 'number' && Number.isFinite(ttl))) {
    throw invalidOption('options.ttl must be a number of seconds or a function of the session');
  }
  if (scanCount !== undefined && !(Number.isInteger(scanCount) && scanCount > 0)) {
    throw invalidOption('options.scanCount must be a positive integer');
  }
  checkUserKey(userKey);
  if (userPrefix !== undefined && !(typeof userPrefix === 'string' && userPrefix.length > 0)) {
    throw invalidOption('options.userPrefix must be a non-empty string');
  }
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0)) {
    throw invalidOption('options.timeout must be a number of milliseconds >= 0');
  }
  const cacheEntries = cache === undefined ? 0 : cache?.maxEntries;
  if (!(Number.isInteger(cacheEntries) && cacheEntries >= 0)) {
    throw invalidOption('options.cache must be { maxEntries } with a positive integer');
  }
  const resolvedPrefix = prefix ?? 'sess:';
  const resolvedUserPrefix = userPrefix ?? 'sess-users:' + resolvedPrefix;
  // An index key under the sessions' prefix would be listed, counted and cleared as a session.
  if (userKey !== undefined && resolvedPrefix === '') {
    throw invalidOption('options.prefix must not be empty with options.userKey: every key would count as a session, the index sets too');
  }
  if (resolvedPrefix !== '' && resolvedUserPrefix.startsWith(resolvedPrefix)) {
    throw invalidOption('options.userPrefix must not start with options.prefix');
  }
  return {
    client,
    prefix: resolvedPrefix,
    // connect-redis's `opts.ttl || 86400`: 0 means the default there too.
    ttl: ttl || DEFAULT_TTL_SECONDS,
    disableTTL: disableTTL === true,
    disableTouch: disableTouch === true,
    scanCount: scanCount ?? 100,
    userKey,
    userPrefix: resolvedUserPrefix,
    timeout: timeout ?? 5000,
    cacheEntries,
  };
}
