import { IncomingMessage } from 'node:http';
import { trackerOf } from '../session/tracker-link';

/**
 * `req.session`, `req.sessionID` and `req.sessionStore` without adding them
 * to every request. On Express's re-parented request each added property
 * used to cost ~1.4 kB of garbage and microseconds (a new hidden class per
 * request, bench/experiments/request-props/); the middleware now puts the
 * request in dictionary mode first (dictionary-mode.ts), where an add is a
 * hash insert, but fewer properties still cost less. So the request's state
 * sits in one symbol property (session/tracker-link.ts) and these three names are
 * accessors installed once on Node's IncomingMessage.prototype, which every
 * Express and connect request inherits (Express re-parents requests under
 * app.request, itself under IncomingMessage.prototype).
 *
 * A request without our state (no session middleware ran, or it skipped the
 * request) sees plain data properties: assigning one defines it as an own
 * property, as it would be without these accessors, so other middleware
 * (cookie-session, tests) setting `req.session` works as before.
 */

/** What the accessors ask of a request's session state. */
export interface SessionAccessTarget {
  /** `req.session` read through the prototype: the request has no own `session` (not yet set, or deleted). */
  readSession(): unknown;
  writeSession(value: unknown): void;
  /** `req.session` read and assigned through the own accessor of a request whose session loads on first use. */
  readDeferred(): unknown;
  writeDeferred(value: unknown): void;
  sessionID: unknown;
  sessionStore: unknown;
}

/** Marks a prototype chain that carries the accessors; a request without it (a mock not built on IncomingMessage) gets own properties. */
export const SESSION_ACCESSORS: unique symbol = Symbol.for('wasm-session.request-accessors');

function stateOf(req: object): SessionAccessTarget | undefined {
  const state = trackerOf(req) as Partial<SessionAccessTarget> | undefined;
  // A foreign tracker (another copy of this package) has no accessor methods: treat as none.
  return state !== undefined && typeof state.readSession === 'function' ? (state as SessionAccessTarget) : undefined;
}

/** An own, enumerable, writable data property, as express-session's request fields are. */
export function defineOwn(req: object, name: string, value: unknown): void {
  Object.defineProperty(req, name, { value, writable: true, enumerable: true, configurable: true });
}

function accessor(name: 'sessionID' | 'sessionStore'): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return stateOf(this)?.[name];
    },
    set(this: object, value: unknown) {
      const state = stateOf(this);
      if (state !== undefined) state[name] = value;
      else defineOwn(this, name, value);
    },
  };
}

/**
 * The own `req.session` of a request whose session is loaded on first use:
 * an own, enumerable property as express-session's is (Object.keys, spread,
 * hasOwnProperty), and one the app can delete, which the middleware then sees
 * (the property is gone) exactly as express-session sees `delete
 * req.session`. One shared descriptor: defining it allocates no closure.
 */
const DEFERRED_SESSION: PropertyDescriptor = {
  configurable: true,
  enumerable: true,
  get(this: object) {
    return stateOf(this)?.readDeferred();
  },
  set(this: object, value: unknown) {
    const state = stateOf(this);
    if (state !== undefined) state.writeDeferred(value);
    else defineOwn(this, 'session', value);
  },
};

/** Gives `req` its own `session` accessor until the app deletes or the middleware replaces it. */
export function defineDeferredSession(req: object): void {
  Object.defineProperty(req, 'session', DEFERRED_SESSION);
}

/** Whether `req` has an own `session` (data or accessor). */
export function hasOwnSession(req: object): boolean {
  return Object.prototype.hasOwnProperty.call(req, 'session');
}

/** Installs the accessors once per process (the CommonJS and ESM copies share the registry symbol). */
export function installRequestAccessors(): void {
  const proto = IncomingMessage.prototype as unknown as Record<PropertyKey, unknown>;
  if (proto[SESSION_ACCESSORS] === true) return;
  Object.defineProperty(proto, 'session', {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return stateOf(this)?.readSession();
    },
    set(this: object, value: unknown) {
      const state = stateOf(this);
      if (state !== undefined) state.writeSession(value);
      else defineOwn(this, 'session', value);
    },
  });
  Object.defineProperty(proto, 'sessionID', accessor('sessionID'));
  Object.defineProperty(proto, 'sessionStore', accessor('sessionStore'));
  Object.defineProperty(proto, SESSION_ACCESSORS, { value: true });
}

/** Whether `req` inherits the accessors (every IncomingMessage does once they are installed). */
export function hasRequestAccessors(req: object): boolean {
  return (req as Record<PropertyKey, unknown>)[SESSION_ACCESSORS] === true;
}
