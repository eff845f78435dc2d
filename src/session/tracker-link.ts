import type { Cookie } from './cookie';

/**
 * Where the middleware leaves a request's tracker, so that Session#save and
 * Session#reload can report to it without wrapping methods on every session.
 * Only what a Session asks of the tracker is named here, which keeps the
 * session and the change tracker from importing each other.
 *
 * The tracker sits in one symbol property of the request. Not in a WeakMap:
 * a WeakMap entry keyed by a short-lived object measured ~6 µs of garbage
 * collection per entry (ephemerons are traced specially), where the
 * property costs the collector almost nothing (a hash insert on the request
 * the middleware put in dictionary mode; ~1.4 kB of garbage before that)
 * (bench/experiments/request-props/weakmap-gc.cjs, alloc.cjs). A registry symbol, so two
 * copies of the package in one process (nested installs) see each other's
 * requests, as they share the accessors on IncomingMessage.prototype.
 */
const REQUEST_TRACKER: unique symbol = Symbol.for('wasm-session.request-tracker');
type TrackedRequest = { [REQUEST_TRACKER]?: TrackerLink };

/** The tracker the middleware linked to `req`, if any. */
export function trackerOf(req: object | null | undefined): TrackerLink | undefined {
  return req === null || req === undefined ? undefined : (req as TrackedRequest)[REQUEST_TRACKER];
}

/** Links `req` to its tracker for the rest of the request (replacing one an earlier session middleware linked). */
export function linkTracker(req: object, tracker: TrackerLink): void {
  (req as TrackedRequest)[REQUEST_TRACKER] = tracker;
}

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

