import type { CookieData, CookieOptions } from './session/cookie';
import { SetCookieSerializer } from './cookie-codec/set-cookie';
import { invalidOption } from './errors';
import { generateSessionId } from './session/genid';
import type { SecretKey } from './cookie-codec/secret';
import type { SessionStoreLike, Store } from './session/store';
import { MemoryStore } from './stores/memory/memory-store';
import type { SessionRequest } from './session/session';

/** The options users pass, exactly those of express-session. */
export interface SessionOptions {
  secret?: SecretKey | SecretKey[];
  cookie?: CookieOptions | ((req: SessionRequest) => CookieOptions);
  genid?: (req: SessionRequest) => string;
  name?: string;
  /** Legacy spelling of `name`. */
  key?: string;
  proxy?: boolean;
  resave?: boolean;
  rolling?: boolean;
  saveUninitialized?: boolean;
  store?: Store | SessionStoreLike;
  unset?: 'destroy' | 'keep';
  /**
   * Not in express-session: milliseconds the middleware waits for the store
   * (get when loading, set/touch/destroy at the end of the response, and the
   * store calls of req.session's save/reload/destroy/regenerate) before the
   * request, or the method's callback, gets an error with code
   * ERR_SESSION_STORE_TIMEOUT. A late answer is then ignored. Off (0) by
   * default, as in express-session.
   */
  storeTimeout?: number;
  /**
   * Not in express-session: the absolute lifetime of a session in
   * milliseconds, counted from its creation however active it is. An older
   * session is treated as not found (a new one starts and the old one is
   * destroyed in the store). The creation time is stored as
   * `cookie.createdAt`. Off (0) by default.
   */
  maxLifetime?: number;
  /**
   * Not in express-session: when the request's session was destroyed
   * (req.session.destroy(), or unset: 'destroy'), the response expires the
   * session cookie. Off by default.
   */
  clearCookieOnDestroy?: boolean;
  /**
   * Not in express-session: with our own stores, a request whose handler
   * never reads `req.session` does not parse or build its session; the
   * stored entry is still touched as express-session would touch it. On by
   * default where it cannot change what is saved (resave, saveUninitialized
   * and rolling off, unset 'keep', no maxLifetime); `false` loads every
   * session before the app runs. What an app can tell apart: docs/parity.md.
   */
  lazySession?: boolean;
}

/** The options after validation, every field filled. */
export interface ResolvedOptions {
  cookie: CookieOptions | ((req: SessionRequest) => CookieOptions);
  genid: (req: SessionRequest) => string;
  name: string;
  proxy: boolean | undefined;
  resave: boolean;
  rolling: boolean;
  saveUninitialized: boolean;
  /** Undefined when the secret comes from cookie-parser's `req.secret` per request. */
  secrets: readonly SecretKey[] | undefined;
  /**
   * The app's own secret array, when it passed one. express-session reads it
   * on every request, so an app may rotate keys by mutating it; the
   * middleware compares it with `secrets` and rebuilds its codec on a change.
   */
  secretArray: SecretKey[] | undefined;
  store: Store;
  unsetDestroy: boolean;
  /** 0 when off. */
  storeTimeout: number;
  /** Milliseconds; 0 when off. */
  maxLifetime: number;
  clearCookieOnDestroy: boolean;
  /** Which of express-session's setup deprecations apply (the middleware prints them). */
  deprecated: { resave: boolean; saveUninitialized: boolean; secret: boolean };
}

/** The longest delay setTimeout honours; a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Validates options once at setup, throwing express-session's TypeErrors
 * (with `code` ERR_SESSION_INVALID_OPTION), and fills the defaults the same
 * way: falsy `name`/`key`/`store`/`cookie` fall back, `resave` and
 * `saveUninitialized` left undefined mean true.
 */
export function resolveOptions(options?: SessionOptions | null): ResolvedOptions {
  const opts: SessionOptions = options || {};

  const genid = opts.genid || generateSessionId;
  if (typeof genid !== 'function') {
    throw invalidOption('genid option must be a function');
  }

  const unset = opts.unset;
  if (unset && unset !== 'destroy' && unset !== 'keep') {
    throw invalidOption('unset option must be "destroy" or "keep"');
  }

  const storeTimeout = opts.storeTimeout ?? 0;
  if (typeof storeTimeout !== 'number' || !(storeTimeout >= 0) || !Number.isFinite(storeTimeout) || storeTimeout > MAX_TIMER_MS) {
    throw invalidOption('storeTimeout option must be a number of milliseconds from 0 (off) to 2147483647');
  }

  const maxLifetime = opts.maxLifetime ?? 0;
  if (typeof maxLifetime !== 'number' || !(maxLifetime >= 0) || !Number.isFinite(maxLifetime)) {
    throw invalidOption('maxLifetime option must be a finite number of milliseconds, 0 (off) or more');
  }

  const clearCookieOnDestroy = opts.clearCookieOnDestroy ?? false;
  if (typeof clearCookieOnDestroy !== 'boolean') {
    throw invalidOption('clearCookieOnDestroy option must be a boolean');
  }

  const secret = opts.secret;
  if (Array.isArray(secret) && secret.length === 0) {
    throw invalidOption('secret option array must contain one or more strings');
  }
  const secretArray = Array.isArray(secret) ? secret : undefined;
  const secrets = secretArray ? secretArray.slice() : secret ? [secret as SecretKey] : undefined;

  const name = opts.name || opts.key || 'connect.sid';
  const cookie = opts.cookie || {};
  if (typeof cookie !== 'function') checkCookieOptions(cookie, name, true);

  const store = opts.store || undefined;
  if (store !== undefined) checkStore(store);

  return {
    cookie,
    genid,
    name,
    proxy: opts.proxy,
    resave: opts.resave === undefined ? true : Boolean(opts.resave),
    rolling: Boolean(opts.rolling),
    saveUninitialized: opts.saveUninitialized === undefined ? true : Boolean(opts.saveUninitialized),
    secrets,
    secretArray,
    // The middleware gives every store the base methods it calls (generate; regenerate via the store's own class).
    store: (store as Store | undefined) || new MemoryStore(),
    unsetDestroy: unset === 'destroy',
    storeTimeout,
    maxLifetime,
    clearCookieOnDestroy,
    deprecated: {
      resave: opts.resave === undefined,
      saveUninitialized: opts.saveUninitialized === undefined,
      secret: !secret,
    },
  };
}

/**
 * Checks the `cookie` option, or what a `cookie` function returned for a
 * request, so that a bad value fails here rather than on the first request
 * (or, for some attributes, when the cookie is serialised and the response
 * is already under way). Where express-session (its Cookie, or cookie@0.7's
 * serialize) has a TypeError for the mistake, the message is the same.
 * `'auto'` for sameSite is honoured only in the object form, as in
 * express-session; from a function it is as invalid as at serialisation.
 */
export function checkCookieOptions(value: unknown, name: string, isObjectForm: boolean): CookieOptions {
  if (value === null || typeof value !== 'object') throw invalidOption('argument options must be a object');
  const options = value as CookieOptions;
  const { maxAge, expires, httpOnly, partitioned, secure, sameSite, path, domain, priority } = options;
  if (maxAge !== undefined && maxAge !== null) {
    if (typeof maxAge !== 'number' && !((maxAge as unknown) instanceof Date)) throw invalidOption('maxAge must be a number or Date');
    if (!Number.isFinite(typeof maxAge === 'number' ? maxAge : (maxAge as Date).getTime())) {
      throw invalidOption('cookie.maxAge option must be a finite number of milliseconds, or null');
    }
  }
  if (expires !== undefined && expires !== null && expires !== false && !isValidDate(expires)) {
    throw invalidOption('option expires is invalid');
  }
  if (httpOnly !== undefined && typeof httpOnly !== 'boolean') throw invalidOption('cookie.httpOnly option must be a boolean');
  if (partitioned !== undefined && typeof partitioned !== 'boolean') throw invalidOption('cookie.partitioned option must be a boolean');
  if (secure !== undefined && typeof secure !== 'boolean' && secure !== 'auto') {
    throw invalidOption('cookie.secure option must be a boolean or "auto"');
  }
  if (path !== undefined && typeof path !== 'string') throw invalidOption('cookie.path option must be a string');
  if (domain !== undefined && typeof domain !== 'string') throw invalidOption('cookie.domain option must be a string');
  if (sameSite === 'auto' && !isObjectForm) throw invalidOption('option sameSite is invalid');
  // The remaining rules (name, domain and path grammar, sameSite and priority
  // values) are the serialiser's: a trial Set-Cookie applies them in its order.
  const data: CookieData = {
    originalMaxAge: undefined,
    partitioned,
    priority,
    expires: undefined,
    secure,
    httpOnly,
    domain,
    path,
    sameSite: sameSite === 'auto' ? 'lax' : sameSite,
  };
  try {
    new SetCookieSerializer().serialize(name, '', data);
  } catch (err) {
    throw invalidOption((err as Error).message);
  }
  return options;
}

function isValidDate(value: unknown): boolean {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

const STORE_METHODS = ['get', 'set', 'destroy', 'on'] as const;

/**
 * A store must at least read, write, delete and be an EventEmitter (the
 * middleware listens for 'connect' and 'disconnect'); anything less would
 * fail on the first request, or worse, answer without storing anything.
 */
function checkStore(store: unknown): void {
  for (const method of STORE_METHODS) {
    if (typeof (store as Record<string, unknown>)[method] !== 'function') {
      throw invalidOption(`store option must be a session store with functions get, set, destroy and on: store.${method} is not a function`);
    }
  }
}
