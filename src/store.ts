import { EventEmitter } from 'node:events';
import { Cookie } from './cookie';
import { Session } from './session';
import type { SessionRequest, StoreCallback, StoredSession } from './types';

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

function defineMethod<K extends keyof Store>(name: K, fn: Store[K]): void {
  Object.defineProperty(Store.prototype, name, { configurable: true, enumerable: false, writable: true, value: fn });
}

/** Destroys the current session, then gives `req` a new one. */
defineMethod('regenerate', function regenerate(this: Store, req: SessionRequest, fn: StoreCallback) {
  this.destroy(req.sessionID, (err?: unknown) => {
    if (typeof this.generate !== 'function') {
      fn(new TypeError('store.generate is missing: the store was not given to the session middleware'));
      return;
    }
    this.generate(req);
    fn(err);
  });
});

/** Loads a session by ID as a Session object, outside any request. */
defineMethod('load', function load(this: Store, sid: string, fn: StoreCallback<Session | undefined>) {
  this.get(sid, (err, sess) => {
    if (err) return fn(err);
    if (!sess) return fn();
    const req = { sessionID: sid, sessionStore: this } as SessionRequest;
    fn(null, this.createSession(req, sess));
  });
});

/** Rebuilds a Session and its Cookie from stored data and attaches it to `req`. */
defineMethod('createSession', function createSession(this: Store, req: SessionRequest, sess: StoredSession) {
  const expires = sess.cookie.expires;
  const originalMaxAge = sess.cookie.originalMaxAge;
  sess.cookie = new Cookie(sess.cookie);
  if (typeof expires === 'string') sess.cookie.expires = new Date(expires);
  sess.cookie.originalMaxAge = originalMaxAge;
  req.session = new Session(req, sess);
  return req.session;
});
