import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Cookie } from './cookie';
import { isBaseStoreMethod } from './method-owner';
import { trackerOf } from './tracker-link';
import { debug } from '../debug';
import { invalidArgument, sessionNotFound } from '../errors';
import { noop } from '../noop';
import { StoreCall, type StoreOperation } from './store-call';
import type { SessionData, StoreCallback, StoredSession } from '../types';

type Callback = (err?: unknown) => void;

/**
 * The app's callback, bounded by the storeTimeout option when the middleware
 * set one (then also answered once only). Without it the callback goes to the
 * store as it is, as in express-session.
 */
function bounded<F extends (err?: unknown, value?: any) => void>(req: SessionRequest, operation: StoreOperation, fn: F): F {
  const timeout = trackerOf(req)?.storeTimeout ?? 0;
  return timeout > 0 ? (new StoreCall(operation, timeout, fn).answer as F) : fn;
}

/**
 * `req.session`: the user's data as own enumerable properties, plus `id`,
 * `req` (non-enumerable) and methods on the prototype, so that only the data
 * and the cookie serialise.
 */
export class Session {
  declare readonly id: string;
  declare readonly req: SessionRequest;
  declare cookie: Cookie;
  [key: string]: any;

  constructor(req: SessionRequest, data?: object | null) {
    Object.defineProperty(this, 'req', { value: req });
    Object.defineProperty(this, 'id', { value: req.sessionID });
    if (typeof data === 'object' && data !== null) {
      for (const prop in data) {
        // Never shadow `id`, methods or anything inherited such as __proto__.
        if (!(prop in this)) this[prop] = (data as Record<string, unknown>)[prop];
      }
    }
  }

  /** Resets the cookie's countdown; the middleware calls it once per response. */
  touch(): this {
    return this.resetMaxAge();
  }

  resetMaxAge(): this {
    this.cookie.maxAge = this.cookie.originalMaxAge;
    return this;
  }

  /**
   * Writes the session to the store now. For the session the middleware
   * loaded or generated, the save is remembered, so the end of the response
   * does not save the same data again. Without a callback it returns a
   * promise of the store's answer instead of the session.
   */
  save(fn: Callback): this;
  save(): Promise<void>;
  save(fn?: Callback): this | Promise<void>;
  save(fn?: Callback | null): this | Promise<void> {
    if (fn == null) return promiseOf((done) => this.save(done));
    const tracker = trackerOf(this.req);
    if (tracker !== undefined) {
      debug('saving %s', this.id);
      tracker.saved(this);
    }
    this.req.sessionStore.set(this.id, this, bounded(this.req, 'set', fn));
    return this;
  }

  /** Replaces `req.session` with the stored copy of this session; without a callback, returns a promise. */
  reload(fn: Callback): this;
  reload(): Promise<void>;
  reload(fn?: Callback): this | Promise<void>;
  reload(fn?: Callback | null): this | Promise<void> {
    if (fn == null) return promiseOf((done) => this.reload(done));
    const req = this.req;
    if (trackerOf(req) !== undefined) debug('reloading %s', this.id);
    const store = req.sessionStore;
    store.get(this.id, bounded(req, 'get', (err, sess) => {
      if (err) return fn(err);
      if (!sess) return fn(sessionNotFound());
      // Our Session and Cookie even when the store subclasses express-session's Store.
      const reloaded = sessionInflaterFor(store)(req, sess);
      // The reloaded session takes over the tracking of the one it replaces.
      const tracker = trackerOf(req);
      if (tracker !== undefined && tracker.tracked === this) tracker.tracked = reloaded;
      fn();
    }));
    return this;
  }

  /**
   * Removes `req.session` and the stored session. Without a callback the
   * store is called exactly as before (one destroy of this ID) and a promise
   * of its answer is returned.
   */
  destroy(fn: Callback): this;
  destroy(): Promise<void>;
  destroy(fn?: Callback): this | Promise<void>;
  destroy(fn?: Callback | null): this | Promise<void> {
    if (fn == null) return promiseOf((done) => this.destroy(done));
    const tracker = trackerOf(this.req);
    // For clearCookieOnDestroy: the response then expires the cookie this session was sent with.
    if (tracker !== undefined) tracker.destroyedCookie = this.cookie;
    delete (this.req as { session?: Session }).session;
    this.req.sessionStore.destroy(this.id, bounded(this.req, 'destroy', fn));
    return this;
  }

  /**
   * Gives the request a new ID and session, destroying this one in the
   * store. `{ keep: true }` carries all of this session's data over to the
   * new one, `{ keep: ['cart'] }` the named keys; the new session always has
   * a fresh cookie. Without a callback, returns a promise.
   */
  regenerate(fn: Callback): this;
  regenerate(options: RegenerateOptions, fn: Callback): this;
  regenerate(options?: RegenerateOptions): Promise<void>;
  regenerate(optionsOrFn?: RegenerateOptions | Callback, fn?: Callback): this | Promise<void>;
  regenerate(optionsOrFn?: RegenerateOptions | Callback | null, maybeFn?: Callback | null): this | Promise<void> {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
    const options = typeof optionsOrFn === 'function' ? undefined : optionsOrFn;
    // Checked before any store call, and thrown even in the promise form: a promise nobody awaits would hide it.
    const kept = dataToKeep(this, options);
    if (fn == null) return promiseOf((done) => regenerateKeeping(this, kept, done));
    regenerateKeeping(this, kept, fn);
    return this;
  }
}

/**
 * The request as this middleware sees it: Node's request plus what it
 * attaches. It, the Session and the Store contract name each other, so the
 * three live in this one file (split up, they would import each other).
 */
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

/**
 * What every session store offers: callback get/set/destroy and optional
 * touch/all/length/clear, plus regenerate, load and createSession, which the
 * base Store (store.ts) provides.
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

/** regenerate's optional first argument. */
export interface RegenerateOptions {
  /** `true`: keep all data; an array: keep the keys named; `false` or absent: keep nothing (plain regenerate). */
  keep?: boolean | readonly string[];
}

/**
 * A store call that answers through a callback, as a promise. The promise is
 * marked handled at once, so a fire-and-forget call whose store fails never
 * becomes an unhandled rejection (which would end a Node process); code that
 * awaits it still gets the store's error.
 */
function promiseOf(start: (done: Callback) => void): Promise<void> {
  const promise = new Promise<void>((resolve, reject) => start((err) => (err ? reject(err) : resolve())));
  promise.catch(noop);
  return promise;
}

/** Key–value pairs to carry over (a list, so that no key name can reach an object's prototype). */
type Kept = Array<[key: string, value: unknown]>;

function regenerateKeeping(sess: Session, kept: Kept | undefined, fn: Callback): void {
  const req = sess.req;
  if (kept === undefined) {
    req.sessionStore.regenerate(req, bounded(req, 'destroy', fn));
    return;
  }
  req.sessionStore.regenerate(req, bounded(req, 'destroy', (err) => {
    // Whatever the store's regenerate did, the new session is the one now on req (also after a failed destroy).
    const fresh = req.session;
    if (typeof fresh === 'object' && fresh !== null && fresh !== sess) {
      for (const [key, value] of kept) if (!(key in fresh)) fresh[key] = value;
    }
    fn(err);
  }));
}

/** The data regenerate's options ask to carry over (values as they are, not copies), or undefined for none. */
function dataToKeep(sess: Session, options: RegenerateOptions | null | undefined): Kept | undefined {
  if (options == null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument('regenerate options must be an object such as { keep: true } or { keep: [\'cart\'] }');
  }
  for (const name of Object.keys(options)) {
    if (name !== 'keep') throw invalidArgument(`regenerate options has no "${name}"; the only one is "keep"`);
  }
  const keep = options.keep;
  if (keep === undefined || keep === false) return undefined;
  if (keep === true) return Object.keys(sess).filter((key) => key !== 'cookie').map((key) => [key, sess[key]]);
  if (!Array.isArray(keep) || !keep.every((key) => typeof key === 'string')) {
    throw invalidArgument('regenerate options.keep must be true, false or an array of key names');
  }
  const kept: Kept = [];
  for (const key of keep as readonly string[]) {
    if (key === 'cookie') throw invalidArgument('regenerate cannot keep "cookie": the new session always gets a fresh cookie');
    if (Object.prototype.hasOwnProperty.call(sess, key)) kept.push([key, sess[key]]);
  }
  return kept;
}
