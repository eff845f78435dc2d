import { IncomingMessage } from 'node:http';
import { REQUEST_TRACKER } from '../session/tracker-link';

/**
 * `req.session`, `req.sessionID` and `req.sessionStore` without adding them
 * to every request. Express gives each request object a hidden class of its
 * own, so every named property a middleware adds to `req` builds a new one
 * (measured ~4 µs and ~1.5 kB per property per request), while one symbol
 * property costs about nothing. The request's state lives in that one symbol
 * property (REQUEST_TRACKER); these three names are accessors installed once
 * on Node's IncomingMessage.prototype, which every Express and connect
 * request inherits (Express re-parents requests under app.request, itself
 * under IncomingMessage.prototype).
 *
 * A request without our state (no session middleware ran, or it skipped the
 * request) sees plain data properties: assigning one defines it as an own
 * property, as it would be without these accessors, so other middleware
 * (cookie-session, tests) setting `req.session` works as before.
 */

/** What the accessors ask of a request's session state. */
export interface SessionAccessTarget {
  readSession(): unknown;
  writeSession(value: unknown): void;
  sessionID: unknown;
  sessionStore: unknown;
}

type StateCarrier = { [REQUEST_TRACKER]?: SessionAccessTarget };

/** Marks a prototype chain that carries the accessors; a request without it (a mock not built on IncomingMessage) gets own properties. */
export const SESSION_ACCESSORS: unique symbol = Symbol.for('wasm-session.request-accessors');

function stateOf(req: object): SessionAccessTarget | undefined {
  const state = (req as StateCarrier)[REQUEST_TRACKER];
  // A foreign tracker (another copy of this package) has no accessor methods: treat as none.
  return state !== undefined && typeof state.readSession === 'function' ? state : undefined;
}

function defineOwn(req: object, name: string, value: unknown): void {
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
