import type { StoredSession } from '../types';

/**
 * The synchronous side door that this package's own stores open to the
 * middleware. A store that exposes it under `FAST_STORE` is read and written
 * with JSON text inside the request's own turn: no callbacks, no
 * `setImmediate` hops, and the middleware's single serialisation is reused
 * instead of the store stringifying the session again.
 *
 * Foreign stores (connect-redis, memorystore, …) never see this interface;
 * they get the ordinary callback API.
 */
export const FAST_STORE: unique symbol = Symbol.for('wasm-session.fast-store');

/**
 * Told once when a write that did not finish at once is acknowledged
 * (`err` undefined) or failed: the middleware's request state itself, so a
 * write that waits costs no promise and no closure.
 */
export interface WriteWaiter {
  written(err: unknown): void;
}

/** A write given a waiter returns this when the waiter will be told later. */
export const WAITING: unique symbol = Symbol('wasm-session.waiting');

/**
 * What a write returns: nothing when it is already done; when it completes
 * later, WAITING if it was given a waiter, a promise otherwise.
 */
export type FastWriteResult = void | Promise<void> | typeof WAITING;

export interface FastStoreAccess {
  /**
   * The stored JSON text of a session, or undefined when it is absent or
   * expired. Throws an Error (with a `code`) for an entry that cannot be read;
   * the middleware passes that to `next(err)`.
   */
  readJSON(sid: string): string | undefined;
  /**
   * The stored session, parsed and checked (stored-json.ts), with its text;
   * undefined when it is absent, expired, or its ID cannot be a key. A
   * corrupt entry is the store's to handle: it removes it, counts it and
   * announces it, then answers undefined, so the request starts a fresh
   * session instead of failing forever. Throws only when the store itself
   * cannot answer (closed).
   */
  readSession(sid: string): LoadedSession | undefined;
  /**
   * Upserts the session's JSON text. `expiresAt` is the cookie's expiry in
   * epoch milliseconds, or NaN when the cookie has none (the store then
   * applies its own `ttl`).
   *
   * `baseData`, when given, is the session's data as this request loaded (or
   * last saved) it, in the change tracker's "after the cookie" form (see
   * request/change-tracker.ts). The store then merges instead of overwriting
   * (format/merge.ts): keys this request did not change keep what the store
   * holds at the moment of the write, and a session that is no longer stored
   * is not written back. Without it the write is a plain upsert, as before.
   */
  writeJSON(sid: string, json: string, expiresAt: number, baseData?: string, waiter?: WriteWaiter): FastWriteResult;
  /** Extends the expiry of a stored session without rewriting its data where possible. */
  touch(sid: string, json: string, expiresAt: number, waiter?: WriteWaiter): FastWriteResult;
  /** Removes a session; absent IDs are not an error. */
  destroy(sid: string, waiter?: WriteWaiter): FastWriteResult;
  /**
   * Present on a store that cannot always read at once (RedisStore): the
   * middleware then loads through it before the app runs, never on first use
   * of `req.session`, and never calls readJSON or readSession.
   */
  readonly later?: LaterRead;
}

/** What LaterRead.atHand answers when the session can only be had by waiting. */
export const NOT_AT_HAND: unique symbol = Symbol('wasm-session.not-at-hand');

/** The read side of a store that may have to wait for its answer (a network round trip). */
export interface LaterRead {
  /** The session when it can be had without waiting (a near-cache hit), as readSession answers it; else NOT_AT_HAND. */
  atHand(sid: string): LoadedSession | undefined | typeof NOT_AT_HAND;
  /** Reads the session, answering `done` once, later; errors are the store's coded ones. */
  load(sid: string, done: (err: unknown, loaded?: LoadedSession) => void): void;
}

/** A session as one of our stores hands it to the middleware: the parsed data and the text it came from. */
export interface LoadedSession {
  session: StoredSession;
  text: string;
}

export interface FastStore {
  readonly [FAST_STORE]: FastStoreAccess;
}

export function fastAccessOf(store: unknown): FastStoreAccess | undefined {
  if (store !== null && typeof store === 'object') {
    const access = (store as Partial<FastStore>)[FAST_STORE];
    if (access !== undefined) return access;
  }
  return undefined;
}

/** The four callback methods whose work the side door does. */
export interface FastStoreMethods {
  readonly get: unknown;
  readonly set: unknown;
  readonly touch: unknown;
  readonly destroy: unknown;
}

/**
 * Where a store class keeps the methods it defined, as they were when the
 * class was created. A registry symbol, like FAST_STORE, so a store made by
 * the ESM copy of the package is recognised by the CommonJS middleware.
 */
export const FAST_STORE_METHODS: unique symbol = Symbol.for('wasm-session.fast-store-methods');

/**
 * Records a fast store class's own get/set/touch/destroy on its prototype,
 * right after the class is defined: later patches of the prototype (a test
 * spy, an APM agent) or of the instance, and subclass overrides, then differ
 * from the record, and the middleware drives that store through its
 * callbacks so the patched code sees every call.
 */
export function recordFastStoreMethods(prototype: FastStoreMethods): void {
  const methods: FastStoreMethods = Object.freeze({
    get: prototype.get,
    set: prototype.set,
    touch: prototype.touch,
    destroy: prototype.destroy,
  });
  Object.defineProperty(prototype, FAST_STORE_METHODS, { value: methods });
}

export function fastStoreMethodsOf(store: object): FastStoreMethods | undefined {
  return (store as { [FAST_STORE_METHODS]?: FastStoreMethods })[FAST_STORE_METHODS];
}
