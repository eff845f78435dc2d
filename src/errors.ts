/**
 * Every error this package makes, each with a stable `code`: the middleware's
 * and those of its stores (MemoryStore, LmdbStore, RedisStore). Messages of the errors
 * express-session also raises are kept word for word, so apps that match on
 * `err.message` keep working; new code should match on `err.code`.
 *
 * A session ID is a bearer credential: no message holds one whole, only its
 * first characters (`sidPrefix`). A store error about one session carries the
 * full ID in its `sid` property for the app's own logging decisions.
 */

export type SessionErrorCode =
  /** A bad option at setup (a TypeError). */
  | 'ERR_SESSION_INVALID_OPTION'
  /** Neither the `secret` option nor cookie-parser's `req.secret` is set. */
  | 'ERR_SESSION_SECRET_REQUIRED'
  /** `req.session.reload()` found nothing in the store. */
  | 'ERR_SESSION_NOT_FOUND'
  /** `store.regenerate()` on a store no session middleware was given (a TypeError). */
  | 'ERR_SESSION_STORE_NOT_ATTACHED'
  /** Session data JSON cannot represent (a cycle, a BigInt, a throwing toJSON). */
  | 'ERR_SESSION_SERIALIZE'
  /** A stored value that is not what this package writes (foreign, truncated or damaged); only that session is affected. */
  | 'ERR_SESSION_CORRUPT'
  /** The store did not answer within the `storeTimeout` option. */
  | 'ERR_SESSION_STORE_TIMEOUT'
  /** A session ID a store cannot use as a key: not a string, empty, too long or (LmdbStore) containing NUL. */
  | 'ERR_SESSION_ID_INVALID'
  /** A session larger than MemoryStore's `maxBytes`, or one that cannot be placed even after evicting all others. */
  | 'ERR_SESSION_TOO_LARGE'
  /** LmdbStore was closed; nothing can be read or written any more. */
  | 'ERR_SESSION_STORE_CLOSED'
  /** LmdbStore's optional peer dependencies (lmdb, piscina) are not installed, or lmdb cannot load on this platform. */
  | 'ERR_SESSION_STORE_DEPENDENCY'
  /** LmdbStore could not open its LMDB environment (path not writable, not an LMDB directory, …). */
  | 'ERR_SESSION_STORE_OPEN'
  /** An LmdbStore commit failed (disk full, I/O error, map full), or a RedisStore save met endless concurrent writes: not stored. */
  | 'ERR_SESSION_STORE_WRITE'
  /** RedisStore could not reach Redis (down, restarting, or slower than its `timeout` option), or Redis refused the command. */
  | 'ERR_SESSION_STORE_UNAVAILABLE'
  /** `store.idsOf()` or `store.destroyAllOf()` on a MemoryStore or LmdbStore constructed without the `userKey` option. */
  | 'ERR_SESSION_NO_USER_KEY'
  /** The package's WebAssembly kernels (build/embedded-wasm.js) are missing: an incomplete install or deployment. */
  | 'ERR_SESSION_WASM_MISSING'
  /** The cookie kernel's Wasm memory could not grow for another codec (cookie name and secrets) record. */
  | 'ERR_SESSION_KERNEL_MEMORY'
  /** A bad argument to one of req.session's methods, such as regenerate's options (a TypeError, thrown at the call). */
  | 'ERR_SESSION_INVALID_ARGUMENT';

/** What every factory here returns: an Error (or TypeError) with a stable code. */
export interface SessionError extends Error {
  code: SessionErrorCode;
  /** The session a store error is about; never part of `message`. */
  sid?: string;
}

function withCode<E extends Error>(err: E, code: SessionErrorCode): E & { code: SessionErrorCode } {
  return Object.assign(err, { code });
}

/** The first characters of a session ID, enough to tell sessions apart in a log or event, too few to use. */
export function sidPrefix(sid: string): string {
  return `${sid.slice(0, 6)}…`;
}

/** Store errors take their cause's message as it comes (errors of other realms included). */
function causeMessage(cause: unknown): string {
  return (cause as Error | undefined)?.message ?? String(cause);
}

/** Store errors set `cause` only when there is one, so `'cause' in err` means something. */
function storeError(code: SessionErrorCode, message: string, cause?: unknown): SessionError {
  return withCode(new Error(message, cause === undefined ? undefined : { cause }), code);
}

// ---- the middleware's errors ----

/** A bad option at setup; the message is express-session's (or cookie@0.7.2's) where it has one for the same mistake. */
export function invalidOption(message: string): TypeError & { code: SessionErrorCode } {
  return withCode(new TypeError(message), 'ERR_SESSION_INVALID_OPTION');
}

/** Neither the `secret` option nor cookie-parser's `req.secret` is set (passed to next). */
export function secretRequired(): Error & { code: SessionErrorCode } {
  return withCode(new Error('secret option required for sessions'), 'ERR_SESSION_SECRET_REQUIRED');
}

/** `req.session.reload()` found nothing in the store. */
export function sessionNotFound(): Error & { code: SessionErrorCode } {
  return withCode(new Error('failed to load session'), 'ERR_SESSION_NOT_FOUND');
}

/** `store.regenerate()` on a store no session middleware was given (express-session would throw). */
export function storeNotAttached(): TypeError & { code: SessionErrorCode } {
  return withCode(
    new TypeError('store.generate is missing: pass the store to the session middleware first'),
    'ERR_SESSION_STORE_NOT_ATTACHED',
  );
}

/** The session holds data JSON cannot represent (a BigInt, a cycle). */
export function serializeFailed(cause: unknown): Error & { code: SessionErrorCode } {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return withCode(new Error(`session data cannot be serialised: ${reason}`, { cause }), 'ERR_SESSION_SERIALIZE');
}

/**
 * The store did not answer within the `storeTimeout` option (an addition of
 * this package). Its late answer, if any, is ignored.
 */
export function storeTimedOut(operation: string, timeoutMs: number): Error & { code: SessionErrorCode } {
  return withCode(new Error(`session store did not answer ${operation} within ${timeoutMs} ms`), 'ERR_SESSION_STORE_TIMEOUT');
}

/** A bad argument to one of req.session's methods (regenerate's options); thrown synchronously, in the promise form too. */
export function invalidArgument(message: string): TypeError & { code: SessionErrorCode } {
  return withCode(new TypeError(message), 'ERR_SESSION_INVALID_ARGUMENT');
}

// ---- the stores' errors ----

/** A store was given a session ID that is not a string (MemoryStore). */
export function sidNotString(sid: unknown): SessionError {
  return storeError('ERR_SESSION_ID_INVALID', `session ID must be a string, got ${sid === null ? 'null' : typeof sid}`);
}

/** A session ID longer than MemoryStore's key buffer. */
export function sidTooLong(bytes: number, maxKeyBytes: number): SessionError {
  return storeError('ERR_SESSION_ID_INVALID', `session ID of ${bytes} UTF-8 bytes is longer than the ${maxKeyBytes} bytes allowed`);
}

/** A session ID LmdbStore cannot use as a key (lmdb's key size limit, no NUL in string keys). */
export function sidNotStorable(maxKeyBytes: number): SessionError {
  return storeError(
    'ERR_SESSION_ID_INVALID',
    `session ID must be a non-empty string of at most ${maxKeyBytes} UTF-8 bytes without NUL characters`,
  );
}

/** A session that does not fit in MemoryStore. */
export function sessionTooLarge(bytes: number, maxBytes: number): SessionError {
  return storeError('ERR_SESSION_TOO_LARGE', `session of ${bytes} bytes does not fit in a MemoryStore of maxBytes ${maxBytes}`);
}

/** MemoryStore: `JSON.stringify` threw `cause` on a session (a cycle, a BigInt, a throwing toJSON). */
export function storeSerializeFailed(cause: unknown): SessionError {
  return storeError('ERR_SESSION_SERIALIZE', `session cannot be serialised: ${causeMessage(cause)}`, cause);
}

/** MemoryStore: `JSON.stringify` gave nothing for the value (undefined, a function, a symbol). */
export function storeSerializeEmpty(value: unknown): SessionError {
  return storeError('ERR_SESSION_SERIALIZE', `session cannot be serialised: ${typeof value}`);
}

/** A stored session that breaks the rules of format/stored-json.ts; `why` says what is wrong with it. */
export function corruptStoredEntry(sid: string, why: string, cause?: unknown): SessionError {
  const err = storeError('ERR_SESSION_CORRUPT', `stored session ${sidPrefix(sid)} is corrupt: ${why}`, cause);
  err.sid = sid;
  return err;
}

/** A call on an LmdbStore after `close()`. */
export function storeClosed(): SessionError {
  return storeError('ERR_SESSION_STORE_CLOSED', 'LmdbStore is closed');
}

/** LmdbStore was constructed without its optional peer dependencies (`why`: not installed, or failed to load). */
export function storeDependencyMissing(packages: readonly string[], why: string, cause?: unknown): SessionError {
  const which = packages.join(' and ');
  const reason = cause === undefined ? '' : ` (${causeMessage(cause)})`;
  return storeError(
    'ERR_SESSION_STORE_DEPENDENCY',
    `LmdbStore needs ${which}, ${packages.length > 1 ? 'which are' : 'which is'} ${why}${reason}: run "npm install lmdb piscina" (MemoryStore needs neither)`,
    cause,
  );
}

/** LmdbStore could not open the LMDB environment at `path`; the message says what to check. */
export function storeOpenFailed(path: string, cause: unknown): SessionError {
  const reason = causeMessage(cause);
  return storeError('ERR_SESSION_STORE_OPEN', `cannot open the LMDB environment at ${path}: ${reason}; ${openFailureHint(cause, reason)}`, cause);
}

/** What a user can do about a failed open, from the cause's code or message (lmdb's native errors carry only a message). */
function openFailureHint(cause: unknown, reason: string): string {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const said = (pattern: RegExp): boolean => pattern.test(String(code)) || pattern.test(reason);
  if (said(/EROFS|read-only/i)) return 'the file system is read-only: give options.path a writable location';
  if (said(/EACCES|EPERM|permission/i)) return 'the process may not write there: fix the directory permissions or choose another options.path';
  if (said(/ENOTDIR|not a directory|ENOENT|no such file/i)) return 'options.path must name a directory, or a place one can be created (is a file in the way?)';
  if (said(/ENOSPC|no space/i)) return 'the disk is full: free some space';
  if (said(/MAP_FULL|MDB_MAP|map ?size|ENOMEM|cannot allocate/i)) return 'the memory map is too small or cannot be mapped: raise (or, on a 32-bit system, lower) options.mapSize';
  if (said(/MDB_INVALID|MDB_VERSION|not an? (LMDB|MDB)/i)) return 'the directory holds something that is not an LMDB environment: point options.path at an empty directory or one an LmdbStore created';
  return 'check that options.path is a directory this process can write, the disk has free space, and options.mapSize (if set) is large enough';
}

/** An LmdbStore commit failed; every write of that commit fails with this. */
export function commitFailed(cause: unknown): SessionError {
  return storeError('ERR_SESSION_STORE_WRITE', `LmdbStore commit failed: ${causeMessage(cause)}`, cause);
}

/** RedisStore: Redis failed, is unreachable, or did not answer `operation` within `timeoutMs` (cause undefined then). */
export function redisUnavailable(operation: string, cause?: unknown, timeoutMs?: number): SessionError {
  const why = cause === undefined ? `no answer within ${timeoutMs} ms` : causeMessage(cause);
  return storeError('ERR_SESSION_STORE_UNAVAILABLE', `RedisStore could not ${operation}: ${why}`, cause);
}

/** RedisStore: a merged save kept meeting newer writes of the same session and gave up. */
export function redisSaveContended(attempts: number): SessionError {
  return storeError('ERR_SESSION_STORE_WRITE', `RedisStore save was overtaken by other writes ${attempts} times in a row; not stored`);
}

/** The per-user methods need the store to know which session field names the user. */
export function userKeyMissing(method: string): SessionError {
  return storeError('ERR_SESSION_NO_USER_KEY', `store.${method}() needs the store's userKey option (the session field that names the user)`);
}

/** Session data nested deeper than stored sessions may be (stored-json.ts): refused at write, so no load can fail on it. */
export function sessionTooDeep(maxDepth: number): SessionError {
  return storeError('ERR_SESSION_SERIALIZE', `session cannot be serialised: nested deeper than ${maxDepth} levels`);
}

/** The kernels' module `file` cannot serve a kernel; `why` says what is wrong and what to do. */
export function wasmMissing(file: string, why: string, cause?: unknown): SessionError {
  return storeError('ERR_SESSION_WASM_MISSING', `wasm-session cannot load its WebAssembly kernels from ${file}: ${why}`, cause);
}

/** The cookie kernel could not allocate a codec record: its Wasm memory cannot grow further. */
export function kernelOutOfMemory(): SessionError {
  return withCode(new Error('wasm-session: the cookie kernel ran out of memory'), 'ERR_SESSION_KERNEL_MEMORY');
}
