import type { Cookie } from './cookie';

/**
 * Where the middleware leaves a request's tracker, so that Session#save and
 * Session#reload can report to it without wrapping methods on every session.
 * Only what a Session asks of the tracker is named here, which keeps the
 * session and the change tracker from importing each other.
 *
 * The trackers live in a WeakMap keyed by the request, not in a property of
 * it: any property added to Express's request, symbol or named, measured
 * ~1.4 kB of garbage per request (bench/experiments/request-props/alloc.cjs),
 * while a WeakMap entry is a slot in one table that the collector empties as
 * requests die. The map sits in the global symbol registry so that two copies
 * of the package in one process (nested installs) see each other's requests,
 * as they share the accessors on IncomingMessage.prototype.
 */
const REGISTRY_KEY = Symbol.for('wasm-session.request-trackers');
const registry = globalThis as { [REGISTRY_KEY]?: WeakMap<object, TrackerLink> };
const trackers: WeakMap<object, TrackerLink> = (registry[REGISTRY_KEY] ??= new WeakMap());

/** The tracker the middleware linked to `req`, if any. */
export function trackerOf(req: object | null | undefined): TrackerLink | undefined {
  return req === null || req === undefined ? undefined : trackers.get(req);
}

/** Links `req` to its tracker for the rest of the request (replacing one an earlier session middleware linked). */
export function linkTracker(req: object, tracker: TrackerLink): void {
  trackers.set(req, tracker);
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

