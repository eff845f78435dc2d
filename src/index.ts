import { Cookie as CookieClass, type CookieOptions as CookieOptionsType } from './session/cookie';
import { createSessionMiddleware, type SessionMiddleware } from './middleware';
import type { SessionOptions as SessionOptionsType } from './options';
import { Session as SessionClass, type RegenerateOptions as RegenerateOptionsType, type SessionRequest } from './session/session';
import { Store as StoreBase, type Store as StoreInstance, type StoreConstructor } from './session/store';
import { MemoryStore as MemoryStoreClass } from './stores/memory/memory-store';
import type { LmdbStore as LmdbStoreClass, LmdbStoreOptions as LmdbStoreOptionsType } from './stores/lmdb/lmdb-store';
import { RedisStore as RedisStoreClass, type RedisStoreOptions as RedisStoreOptionsType } from './stores/redis/redis-store';
import type { SessionData as BaseSessionData, StoreCallback } from './types';
// Puts Express's types in this package's own build for the augmentation below (elided from the output).
import type {} from 'express-serve-static-core';

/**
 * The public surface, shaped as express-session's: `require('wasm-session')`
 * is the middleware factory, carrying `Store`, `MemoryStore`, `Cookie` and
 * `Session`, and this package's `LmdbStore` and `RedisStore`. The namespace holds the types and lets apps augment
 * `SessionData` by declaration merging.
 */
// The factory itself is exported (not a wrapper) so that depd's deprecation
// warnings point at the app's own `session()` call, as express-session's do.
type SessionExport = typeof createSessionMiddleware & {
  readonly Store: StoreConstructor;
  readonly MemoryStore: typeof MemoryStoreClass;
  readonly LmdbStore: typeof LmdbStoreClass;
  readonly RedisStore: typeof RedisStoreClass;
  readonly Cookie: typeof CookieClass;
  readonly Session: typeof SessionClass;
};
const session = Object.defineProperty(
  Object.assign(createSessionMiddleware, {
    Store: StoreBase,
    MemoryStore: MemoryStoreClass,
    // Loads nothing of Redis: the app passes its own node-redis client.
    RedisStore: RedisStoreClass,
    Cookie: CookieClass,
    Session: SessionClass,
  }),
  // LmdbStore's modules load on first access, lmdb's native addon once a store
  // opens: an app that never uses LmdbStore loads neither. Configurable because
  // this module may be evaluated again over the same (cached) factory, as
  // test runners and ESM/CJS loader pairs do, and must then redefine it.
  'LmdbStore',
  { enumerable: true, configurable: true, get: loadLmdbStore },
) as SessionExport;

function loadLmdbStore(): typeof LmdbStoreClass {
  return (require('./stores/lmdb/lmdb-store') as typeof import('./stores/lmdb/lmdb-store')).LmdbStore;
}

declare namespace session {
  /** Augment to type your session data: `declare module 'wasm-session' { interface SessionData { views: number } }`. */
  interface SessionData extends BaseSessionData {}
  type SessionOptions = SessionOptionsType;
  type Middleware = SessionMiddleware;
  type CookieOptions = CookieOptionsType;
  type Store = StoreInstance;
  type Cookie = CookieClass;
  type Session = SessionClass;
  /** `req.session.regenerate({ keep })`: which data the new session takes over. */
  type RegenerateOptions = RegenerateOptionsType;
  type MemoryStore = MemoryStoreClass;
  type LmdbStore = LmdbStoreClass;
  type LmdbStoreOptions = LmdbStoreOptionsType;
  type RedisStore = RedisStoreClass;
  type RedisStoreOptions = RedisStoreOptionsType;
  type SessionStoreCallback<T = void> = StoreCallback<T>;
  type Request = SessionRequest;
}

// Express's Request gains what the middleware attaches. This augments
// express-serve-static-core's Request (what Express handlers receive), not
// the global Express.Request: @types/express-session, often still installed
// in a migrating app, declares these properties on the global one with its
// own types, and a second declaration of a property there must have an
// identical type (TS2717). On the interface that extends the global one, our
// declaration wins; it must then be assignable to theirs, so it is
// intersected with their type where they declare one (unknown where not).
// Without Express's types the augmentation is inert: a declaration file may
// augment a module that is absent.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Empty here, so that the types below can always name it.
    // eslint-disable-next-line @typescript-eslint/no-empty-interface
    interface Request {}
  }
}

/** `req[K]` as @types/express-session (or anything else) types it on the global Express.Request; unknown if untyped. */
type GlobalRequestProperty<K extends string> = Express.Request extends { [P in K]: infer T } ? T : unknown;

declare module 'express-serve-static-core' {
  interface Request {
    session: SessionClass & Partial<session.SessionData> & GlobalRequestProperty<'session'>;
    sessionID: string;
    sessionStore: StoreInstance & GlobalRequestProperty<'sessionStore'>;
  }
}

export = session;
