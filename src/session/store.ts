import { EventEmitter } from 'node:events';
import { Cookie } from './cookie';
import { storeNotAttached } from '../errors';
import { Session } from './session';
import type { SessionRequest, StoreCallback, StoredSession } from '../types';

/**
 * The base of every session store: an EventEmitter with `regenerate`, `load`
 * and `createSession`. It is a plain constructor function rather than a class
 * so that the legacy pattern `Store.call(this)` + `util.inherits(X, Store)`
 * (memorystore, older stores) works as well as `class X extends Store`.
 */
export interface Store extends EventEmitter {
  /** Set by the middleware: gives `req` a fresh ID, Session and Cookie. */
  generate?(req: SessionRequest): void;
  get(sid: string, callback: StoreCallback<StoredSession | null | undefined>): void;
  set(sid: string, session: object, callback?: StoreCallback): void;
  destroy(sid: string, callback?: StoreCallback): void;
  touch?(sid: string, session: object, callback?: StoreCallback): void;
  all?(callback: StoreCallback<StoredSession[] | Record<string, StoredSession> | null>): void;
  length?(callback: StoreCallback<number>): void;
  clear?(callback?: StoreCallback): void;
  regenerate(req: SessionRequest, callback: StoreCallback): void;
  load(sid: string, callback: StoreCallback<Session | undefined>): void;
  createSession(req: SessionRequest, session: StoredSession): Session;
}

/**
 * What the `store` option accepts: any EventEmitter with get, set and
 * destroy. Typed by shape and loosely, so a store written against
 * express-session's own types (connect-redis with @types/express-session
 * beside this package) is accepted as it is.
 */
export interface SessionStoreLike {
  get(sid: string, callback: (err: any, session?: any) => void): void;
  set(sid: string, session: any, callback?: (err?: any) => void): void;
  destroy(sid: string, callback?: (err?: any) => void): void;
  touch?(sid: string, session: any, callback?: (err?: any) => void): void;
  on(event: string | symbol, listener: (...args: any[]) => void): unknown;
}

export interface StoreConstructor {
  new (): Store;
  (this: unknown): void;
  readonly prototype: Store;
}

export const Store = function Store(this: EventEmitter) {
  EventEmitter.call(this);
} as unknown as StoreConstructor;

Object.setPrototypeOf(Store.prototype, EventEmitter.prototype);
Object.setPrototypeOf(Store, EventEmitter);

// Plain assignments (enumerable, writable), as express-session's prototype has them.

/** Destroys the current session, then gives `req` a new one. */
Store.prototype.regenerate = function regenerate(this: Store, req: SessionRequest, fn: StoreCallback) {
  this.destroy(req.sessionID, (err?: unknown) => {
    if (typeof this.generate !== 'function') {
      fn(storeNotAttached());
      return;
    }
    try {
      this.generate(req);
    } catch (genErr) {
      // A `cookie` function's bad result (or a throwing genid): the caller's error, not an uncaught one in a store callback.
      fn(genErr);
      return;
    }
    fn(err);
  });
};

/** Loads a session by ID as a Session object, outside any request. */
Store.prototype.load = function load(this: Store, sid: string, fn: StoreCallback<Session | undefined>) {
  this.get(sid, (err, sess) => {
    if (err) return fn(err);
    if (!sess) return fn();
    const req = { sessionID: sid, sessionStore: this } as SessionRequest;
    fn(null, this.createSession(req, sess));
  });
};

/** Rebuilds a Session and its Cookie from stored data and attaches it to `req`. */
Store.prototype.createSession = function createSession(this: Store, req: SessionRequest, sess: StoredSession) {
  return inflateSession(req, sess);
};

/**
 * Stored data → `req.session`, with this package's Session and Cookie. As
 * express-session does, it rebuilds `sess.cookie` in place (turning an ISO
 * `expires` back into a Date and keeping `originalMaxAge`), then copies the
 * data onto a new Session.
 */
export function inflateSession(req: SessionRequest, sess: StoredSession): Session {
  const expires = sess.cookie.expires;
  const originalMaxAge = sess.cookie.originalMaxAge;
  sess.cookie = new Cookie(withoutOwnProto(sess.cookie));
  if (typeof expires === 'string') sess.cookie.expires = new Date(expires);
  sess.cookie.originalMaxAge = originalMaxAge;
  const session = new Session(req, sess);
  req.session = session;
  return session;
}

/**
 * Stored cookie data without an own `__proto__` key. JSON.parse makes such a
 * key an ordinary property, and Cookie copies keys by assignment, which would
 * swap the Cookie's prototype for attacker data (express-session does so) and
 * leave a cookie without its getters. Other keys are data, as in the reference.
 */
function withoutOwnProto(cookie: Record<string, any>): Record<string, any> {
  if (!Object.prototype.hasOwnProperty.call(cookie, '__proto__')) return cookie;
  const copy: Record<string, any> = {};
  for (const key of Object.keys(cookie)) if (key !== '__proto__') copy[key] = cookie[key];
  return copy;
}

export type SessionInflater = (req: SessionRequest, sess: StoredSession) => Session;

/**
 * How to turn a store's data into `req.session` for this store. A store whose
 * `createSession` is a base Store's own (ours, or express-session's when the
 * store subclasses express-session's Store, as connect-redis does) gets this
 * package's Session and Cookie; a store that overrides `createSession` is
 * honoured, as express-session honours it.
 */
export function sessionInflaterFor(store: Store): SessionInflater {
  const createSession = store.createSession;
  if (typeof createSession !== 'function' || isBaseStoreMethod(store, 'createSession')) return inflateSession;
  return (req, sess) => createSession.call(store, req, sess);
}

/** Whether `name` comes from a base Store prototype (one defining regenerate, load and createSession, named Store). */
function isBaseStoreMethod(store: object, name: string): boolean {
  let proto: object | null = store;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, name)) proto = Object.getPrototypeOf(proto);
  if (proto === null || proto === store) return false;
  const owner = proto as Record<string, unknown>;
  return (
    proto === Store.prototype ||
    (typeof owner.constructor === 'function' &&
      owner.constructor.name === 'Store' &&
      ['regenerate', 'load', 'createSession'].every((m) => Object.prototype.hasOwnProperty.call(owner, m)))
  );
}
