import { invalidOption } from '../../errors';
import { allKeysOf, warnUnknownOptions } from '../../unknown-options';
import { checkUserKey } from '../../format/user-field';

/** What users may pass to `new MemoryStore(options)`; every field is optional. */
export interface MemoryStoreOptions {
  /**
   * Upper bound of the Wasm memory holding sessions and their index, in
   * bytes. At the bound the least recently used sessions are evicted.
   * Default 128 MiB; from 1 MiB to 3 GiB.
   */
  maxBytes?: number;
  /** Upper bound on the number of sessions (LRU eviction beyond it). Default: no bound but maxBytes. */
  maxEntries?: number;
  /**
   * Lifetime in milliseconds of a session whose cookie has no `expires`
   * (a browser-session cookie), counted from its last write or touch.
   * Default: such sessions never expire, as in express-session's MemoryStore.
   */
  ttl?: number;
  /**
   * Milliseconds for the background sweep to visit every shard once (it
   * visits one shard per tick on an unref'd timer). 0 disables sweeping;
   * expired sessions are then removed only when read or evicted. Default 60 000.
   */
  sweepInterval?: number;
  /**
   * The top-level session field that names the user (e.g. `'userId'`). With
   * it the store keeps a per-user index, for `idsOf(user)` and
   * `destroyAllOf(user, exceptSid)`. Default: no index.
   */
  userKey?: string;
}

/** The options with every default filled in. */
export interface ResolvedMemoryStoreOptions {
  maxBytes: number;
  maxEntries: number;
  ttl: number;
  sweepInterval: number;
  userKey: string | undefined;
}

const MEMORY_STORE_OPTION_KEYS = allKeysOf<MemoryStoreOptions>()(['maxBytes', 'maxEntries', 'ttl', 'sweepInterval', 'userKey']);

const MIB = 1024 * 1024;
export const MIN_MAX_BYTES = MIB;
export const MAX_MAX_BYTES = 3 * 1024 * MIB;

export const MEMORY_STORE_DEFAULTS: Readonly<ResolvedMemoryStoreOptions> = Object.freeze({
  maxBytes: 128 * MIB,
  maxEntries: Infinity,
  ttl: Infinity,
  sweepInterval: 60_000,
  userKey: undefined,
});

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Validates once at construction; a bad option is a TypeError naming it, with code ERR_SESSION_INVALID_OPTION. */
export function resolveMemoryStoreOptions(options: MemoryStoreOptions | undefined): ResolvedMemoryStoreOptions {
  if (options === undefined || options === null) return { ...MEMORY_STORE_DEFAULTS };
  if (typeof options !== 'object') throw invalidOption('MemoryStore options must be an object');
  warnUnknownOptions('new MemoryStore()', options, MEMORY_STORE_OPTION_KEYS);
  const { maxBytes, maxEntries, ttl, sweepInterval, userKey } = options;
  if (maxBytes !== undefined && !(isPositiveInteger(maxBytes) && maxBytes >= MIN_MAX_BYTES && maxBytes <= MAX_MAX_BYTES)) {
    throw invalidOption(`options.maxBytes must be an integer from ${MIN_MAX_BYTES} (1 MiB) to ${MAX_MAX_BYTES} (3 GiB)`);
  }
  if (maxEntries !== undefined && maxEntries !== Infinity && !(isPositiveInteger(maxEntries) && maxEntries < 2 ** 32)) {
    throw invalidOption('options.maxEntries must be a positive integer below 2^32, or Infinity');
  }
  if (ttl !== undefined && ttl !== Infinity && !(typeof ttl === 'number' && Number.isFinite(ttl) && ttl > 0)) {
    throw invalidOption('options.ttl must be a positive number of milliseconds, or Infinity');
  }
  if (sweepInterval !== undefined && !(typeof sweepInterval === 'number' && Number.isFinite(sweepInterval) && sweepInterval >= 0)) {
    throw invalidOption('options.sweepInterval must be a number of milliseconds >= 0');
  }
  checkUserKey(userKey);
  return {
    maxBytes: maxBytes ?? MEMORY_STORE_DEFAULTS.maxBytes,
    maxEntries: maxEntries ?? MEMORY_STORE_DEFAULTS.maxEntries,
    ttl: ttl ?? MEMORY_STORE_DEFAULTS.ttl,
    sweepInterval: sweepInterval ?? MEMORY_STORE_DEFAULTS.sweepInterval,
    userKey,
  };
}

