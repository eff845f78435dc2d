/**
 * The errors LmdbStore reports. Each carries a stable `code` so callers match
 * codes, not prose.
 */
export type LmdbStoreErrorCode =
  /** A stored value is not what this store writes (foreign, truncated or damaged). */
  | 'ERR_SESSION_CORRUPT'
  /** The store was closed; nothing can be read or written any more. */
  | 'ERR_SESSION_STORE_CLOSED'
  /** The LMDB environment could not be opened (path not writable, not an LMDB directory, …). */
  | 'ERR_SESSION_STORE_OPEN'
  /** A session ID that cannot be a key: not a string, empty, too long or containing NUL. */
  | 'ERR_SESSION_ID_INVALID'
  /** A commit failed (disk full, I/O error, map full): the writes of that commit are not stored. */
  | 'ERR_SESSION_STORE_WRITE';

export interface LmdbStoreError extends Error {
  code: LmdbStoreErrorCode;
  sid?: string;
}

export function lmdbStoreError(code: LmdbStoreErrorCode, message: string, sid?: string, cause?: unknown): LmdbStoreError {
  const err = new Error(message, cause === undefined ? undefined : { cause }) as LmdbStoreError;
  err.code = code;
  if (sid !== undefined) err.sid = sid;
  return err;
}

export function corruptSession(sid: string, why: string, cause?: unknown): LmdbStoreError {
  return lmdbStoreError('ERR_SESSION_CORRUPT', `stored session ${JSON.stringify(sid)} is corrupt: ${why}`, sid, cause);
}

export function storeClosed(): LmdbStoreError {
  return lmdbStoreError('ERR_SESSION_STORE_CLOSED', 'LmdbStore is closed');
}

export function commitFailed(cause: unknown): LmdbStoreError {
  const detail = (cause as Error | undefined)?.message ?? String(cause);
  return lmdbStoreError('ERR_SESSION_STORE_WRITE', `LmdbStore commit failed: ${detail}`, undefined, cause);
}
