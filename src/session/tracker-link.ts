import type { Cookie } from './cookie';

/**
 * Where the middleware leaves a request's tracker, so that Session#save and
 * Session#reload can report to it without wrapping methods on every session.
 * Only what a Session asks of the tracker is named here, which keeps the
 * session and the change tracker from importing each other.
 */
export const REQUEST_TRACKER: unique symbol = Symbol('wasm-session.tracker');

/** What a Session sees of its request's ChangeTracker. */
export interface TrackerLink {
  /** The session whose explicit save() is remembered: the one loaded or generated for this request. */
  tracked: object | undefined;
  /** The storeTimeout option, so that req.session's own store calls are bounded as the middleware's are. */
  readonly storeTimeout: number;
  /** Records an explicit save of `sess` (counted only for the tracked session). */
  saved(sess: object): void;
  /** The merge base for an explicit save of `sess` reaching our store's set() (stores/save-base.ts), or undefined. */
  takeSaveBase(sess: object): string | undefined;
  /** The cookie of a session req.session.destroy() removed in this request (clearCookieOnDestroy expires it). */
  destroyedCookie: Cookie | undefined;
}

export interface TrackedRequest {
  [REQUEST_TRACKER]?: TrackerLink;
}
