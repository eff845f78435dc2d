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

/** What a write returns: nothing when it is already done, a promise when it completes later. */
export type FastWriteResult = void | Promise<void>;

export interface FastStoreAccess {
  /**
   * The stored JSON text of a session, or undefined when it is absent or
   * expired. Throws an Error (with a `code`) for an entry that cannot be read;
   * the middleware passes that to `next(err)`.
   */
  readJSON(sid: string): string | undefined;
  /**
   * Upserts the session's JSON text. `expiresAt` is the cookie's expiry in
   * epoch milliseconds, or NaN when the cookie has none (the store then
   * applies its own `ttl`).
   *
   * `baseData`, when given, is the session's data as this request loaded (or
   * last saved) it, in the change tracker's "after the cookie" form (see
   * request/change-tracker.ts). The store then merges instead of overwriting
   * (stores/merge.ts): keys this request did not change keep what the store
   * holds at the moment of the write, and a session that is no longer stored
   * is not written back. Without it the write is a plain upsert, as before.
   */
  writeJSON(sid: string, json: string, expiresAt: number, baseData?: string): FastWriteResult;
  /** Extends the expiry of a stored session without rewriting its data where possible. */
  touch(sid: string, json: string, expiresAt: number): FastWriteResult;
  /** Removes a session; absent IDs are not an error. */
  destroy(sid: string): FastWriteResult;
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
