import type { Cookie } from './cookie';
import { REQUEST_TRACKER, type TrackedRequest } from '../request/change-tracker';
import { debug } from '../debug';
import { sessionNotFound } from '../errors';
import { sessionInflaterFor } from './store';
import { StoreCall, type StoreOperation } from '../request/store-call';
import type { SessionRequest } from '../types';

type Callback = (err?: unknown) => void;
const noop: Callback = () => {};

/**
 * The app's callback, bounded by the storeTimeout option when the middleware
 * set one (then also answered once only). Without it the callback goes to the
 * store as it is, as in express-session.
 */
function bounded<F extends (err?: unknown, value?: any) => void>(req: SessionRequest, operation: StoreOperation, fn: F): F {
  const timeout = (req as TrackedRequest)[REQUEST_TRACKER]?.storeTimeout ?? 0;
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
   * does not save the same data again.
   */
  save(fn?: Callback): this {
    const tracker = (this.req as TrackedRequest)[REQUEST_TRACKER];
    if (tracker !== undefined) {
      debug('saving %s', this.id);
      tracker.saved(this);
    }
    this.req.sessionStore.set(this.id, this, bounded(this.req, 'set', fn ?? noop));
    return this;
  }

  reload(fn: Callback): this {
    const req = this.req;
    if ((req as TrackedRequest)[REQUEST_TRACKER] !== undefined) debug('reloading %s', this.id);
    const store = req.sessionStore;
    store.get(this.id, bounded(req, 'get', (err, sess) => {
      if (err) return fn(err);
      if (!sess) return fn(sessionNotFound());
      // Our Session and Cookie even when the store subclasses express-session's Store.
      const reloaded = sessionInflaterFor(store)(req, sess);
      // The reloaded session takes over the tracking of the one it replaces.
      const tracker = (req as TrackedRequest)[REQUEST_TRACKER];
      if (tracker !== undefined && tracker.tracked === this) tracker.tracked = reloaded;
      fn();
    }));
    return this;
  }

  destroy(fn?: Callback): this {
    delete (this.req as { session?: Session }).session;
    this.req.sessionStore.destroy(this.id, fn && bounded(this.req, 'destroy', fn));
    return this;
  }

  regenerate(fn: Callback): this {
    this.req.sessionStore.regenerate(this.req, bounded(this.req, 'destroy', fn));
    return this;
  }
}
