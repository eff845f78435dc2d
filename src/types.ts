import type { IncomingMessage } from 'node:http';
import type { Session } from './session/session';
import type { Store } from './session/store';

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

/** The request as this middleware sees it: Node's request plus what it attaches. */
export interface SessionRequest extends IncomingMessage {
  session?: Session & Partial<SessionData>;
  sessionID: string;
  sessionStore: Store;
  secret?: string;
  secure?: boolean;
  originalUrl?: string;
  signedCookies?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
}
