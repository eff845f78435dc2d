/**
 * Every error this package makes, each with a stable `code`. Messages of the
 * errors express-session also raises are kept word for word, so apps that
 * match on `err.message` keep working; new code should match on `err.code`.
 */

export type SessionErrorCode =
  | 'ERR_SESSION_INVALID_OPTION'
  | 'ERR_SESSION_SECRET_REQUIRED'
  | 'ERR_SESSION_NOT_FOUND'
  | 'ERR_SESSION_STORE_NOT_ATTACHED'
  | 'ERR_SESSION_SERIALIZE'
  | 'ERR_SESSION_CORRUPT'
  | 'ERR_SESSION_STORE_TIMEOUT';

function withCode<E extends Error>(err: E, code: SessionErrorCode): E & { code: SessionErrorCode } {
  return Object.assign(err, { code });
}

/** A bad option at setup; the message is express-session's. */
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

/** A store handed back text that is not a session's JSON; only this session is affected. */
export function corruptSession(sid: string, cause: unknown): Error & { code: SessionErrorCode } {
  const reason = cause instanceof Error ? cause.message : String(cause);
  // The ID is a bearer credential: name only its first characters.
  return withCode(new Error(`stored session ${sid.slice(0, 6)}… is not valid JSON: ${reason}`, { cause }), 'ERR_SESSION_CORRUPT');
}

/**
 * The store did not answer within the `storeTimeout` option (an addition of
 * this package). Its late answer, if any, is ignored.
 */
export function storeTimedOut(operation: string, timeoutMs: number): Error & { code: SessionErrorCode } {
  return withCode(new Error(`session store did not answer ${operation} within ${timeoutMs} ms`), 'ERR_SESSION_STORE_TIMEOUT');
}
