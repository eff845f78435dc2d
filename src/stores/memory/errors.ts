/**
 * The errors MemoryStore reports. Each carries a stable `code` so callers match
 * codes, not prose.
 */
export type MemoryStoreErrorCode =
  /** A session ID that cannot be a key: not a string, or longer than the key buffer. */
  | 'ERR_SESSION_ID_INVALID'
  /** A session larger than the store's `maxBytes`, or one that cannot be placed even after evicting all others. */
  | 'ERR_SESSION_TOO_LARGE'
  /** The session cannot be turned into JSON (a cycle, a BigInt, a throwing toJSON). */
  | 'ERR_SESSION_SERIALIZE'
  /** Stored text that does not parse (never written by this store). */
  | 'ERR_SESSION_CORRUPT';

export interface MemoryStoreError extends Error {
  code: MemoryStoreErrorCode;
}

export function memoryStoreError(code: MemoryStoreErrorCode, message: string, cause?: unknown): MemoryStoreError {
  const err = new Error(message, cause === undefined ? undefined : { cause }) as MemoryStoreError;
  err.code = code;
  return err;
}

export function sidNotString(sid: unknown): MemoryStoreError {
  return memoryStoreError('ERR_SESSION_ID_INVALID', `session ID must be a string, got ${sid === null ? 'null' : typeof sid}`);
}

export function sidTooLong(bytes: number, maxKeyBytes: number): MemoryStoreError {
  return memoryStoreError('ERR_SESSION_ID_INVALID', `session ID of ${bytes} UTF-8 bytes is longer than the ${maxKeyBytes} bytes allowed`);
}

export function sessionTooLarge(bytes: number, maxBytes: number): MemoryStoreError {
  return memoryStoreError('ERR_SESSION_TOO_LARGE', `session of ${bytes} bytes does not fit in a MemoryStore of maxBytes ${maxBytes}`);
}
