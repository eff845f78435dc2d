import type { Cookie } from './cookie';
import { sessionNotFound } from './errors';
import { sessionInflaterFor } from './store';
import type { SessionRequest } from './types';

/** Marks the middleware's wrapper of `save`, which the end-of-response fast path may bypass. */
export const TRACKED_SAVE: unique symbol = Symbol('wasm-session.tracked-save');

type Callback = (err?: unknown) => void;
const noop: Callback = () => {};

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

  save(fn?: Callback): this {
    this.req.sessionStore.set(this.id, this, fn ?? noop);
    return this;
  }

  reload(fn: Callback): this {
    const req = this.req;
    const store = req.sessionStore;
    store.get(this.id, (err, sess) => {
      if (err) return fn(err);
      if (!sess) return fn(sessionNotFound());
      // Our Session and Cookie even when the store subclasses express-session's Store.
      sessionInflaterFor(store)(req, sess);
      fn();
    });
    return this;
  }

  destroy(fn?: Callback): this {
    delete (this.req as { session?: Session }).session;
    this.req.sessionStore.destroy(this.id, fn);
    return this;
  }

  regenerate(fn: Callback): this {
    this.req.sessionStore.regenerate(this.req, fn);
    return this;
  }
}
