import { Cookie as CookieClass, type CookieOptions as CookieOptionsType } from './session/cookie';
import { createSessionMiddleware, type SessionMiddleware } from './middleware';
import type { SessionOptions as SessionOptionsType } from './options';
import { Session as SessionClass, type RegenerateOptions as RegenerateOptionsType, type SessionRequest } from './session/session';
import { Store as StoreBase, type Store as StoreInstance, type StoreConstructor } from './session/store';
import { MemoryStore as MemoryStoreClass } from './stores/memory/memory-store';
import { LmdbStore as LmdbStoreClass, type LmdbStoreOptions as LmdbStoreOptionsType } from './stores/lmdb/lmdb-store';
import type { SessionData as BaseSessionData, StoreCallback } from './types';

/**
 * The public surface, shaped as express-session's: `require('wasm-session')`
 * is the middleware factory, carrying `Store`, `MemoryStore`, `Cookie` and
 * `Session`. The namespace holds the types and lets apps augment
 * `SessionData` by declaration merging.
 */
// The factory itself is exported (not a wrapper) so that depd's deprecation
// warnings point at the app's own `session()` call, as express-session's do.
const session: typeof createSessionMiddleware & {
  readonly Store: StoreConstructor;
  readonly MemoryStore: typeof MemoryStoreClass;
  readonly LmdbStore: typeof LmdbStoreClass;
  readonly Cookie: typeof CookieClass;
  readonly Session: typeof SessionClass;
} = Object.assign(createSessionMiddleware, {
  Store: StoreBase,
  MemoryStore: MemoryStoreClass,
  LmdbStore: LmdbStoreClass,
  Cookie: CookieClass,
  Session: SessionClass,
});

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
  type SessionStoreCallback<T = void> = StoreCallback<T>;
  type Request = SessionRequest;
}

declare global {
  // Express's Request gains what the middleware attaches, as with @types/express-session.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session: SessionClass & Partial<session.SessionData>;
      sessionID: string;
      sessionStore: StoreInstance;
    }
  }
}

export = session;
