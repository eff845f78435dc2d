/**
 * Session data as apps declare it. Augment it by declaration merging:
 * `declare module 'wasm-session' { interface SessionData { views: number } }`.
 */
export interface SessionData {
  cookie: import('./session/cookie').Cookie;
}

/** A session's data as a store hands it back: JSON-shaped, cookie included. */
export type StoredSession = Record<string, any> & { cookie: Record<string, any> };

export type StoreCallback<T = void> = (err?: any, value?: T) => void;
