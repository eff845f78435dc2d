import { EventEmitter } from 'node:events';
import { storeNotAttached } from '../errors';
import { inflateSession, type Session, type SessionRequest, type Store as StoreContract } from './session';
import type { StoreCallback, StoredSession } from '../types';

/**
 * The base of every session store: an EventEmitter with `regenerate`, `load`
 * and `createSession` (the contract itself is `Store` in session.ts, beside
 * the Session and the request it names). It is a plain constructor function
 * rather than a class so that the legacy pattern `Store.call(this)` +
 * `util.inherits(X, Store)` (memorystore, older stores) works as well as
 * `class X extends Store`.
 */
export interface Store extends StoreContract {}

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
