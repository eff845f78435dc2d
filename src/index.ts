import { Cookie as CookieClass, type CookieOptions as CookieOptionsType } from './cookie';
import { createSessionMiddleware, type SessionMiddleware } from './middleware';
import type { SessionOptions as SessionOptionsType } from './options';
import { Session as SessionClass } from './session';
import { Store as StoreBase, type Store as StoreInstance, type StoreConstructor } from './store';
import { MemoryStore as MemoryStoreClass } from './stores/memory-store';
import { LmdbStore as LmdbStoreClass, type LmdbStoreOptions as LmdbStoreOptionsType } from './stores/lmdb-store';
import type { SessionData as BaseSessionData, SessionRequest, StoreCallback } from './types';

/**
 * The public surface, shaped as express-session's: `require('wasm-session')`
 * is the middleware factory, carrying `Store`, `MemoryStore`, `Cookie` and
 * `Session`. The namespace holds the types and lets apps augment
 * `SessionData` by declaration merging.
 */
function session(options?: session.SessionOptions): SessionMiddleware {
  return createSessionMiddleware(options);
}

declare namespace session {
  /** Augment to type your session data: `declare module 'wasm-session' { interface SessionData { views: number } }`. */
  interface SessionData extends BaseSessionData {}
  type SessionOptions = SessionOptionsType;
  type CookieOptions = CookieOptionsType;
  type Store = StoreInstance;
  type Cookie = CookieClass;
  type Session = SessionClass;
  type MemoryStore = MemoryStoreClass;
  type LmdbStore = LmdbStoreClass;
  type LmdbStoreOptions = LmdbStoreOptionsType;
  type SessionStoreCallback<T = void> = StoreCallback<T>;
  type Request = SessionRequest;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
namespace session {
  export const Store: StoreConstructor = StoreBase;
  export const MemoryStore = MemoryStoreClass;
  export const LmdbStore = LmdbStoreClass;
  export const Cookie = CookieClass;
  export const Session = SessionClass;
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
