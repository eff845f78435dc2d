import type { ServerResponse } from 'node:http';
import depd from 'depd';
import parseUrl from 'parseurl';
import { ChangeTracker, REQUEST_TRACKER, type TrackedRequest } from './request/change-tracker';
import { Cookie, type CookieOptions } from './session/cookie';
import { debug } from './debug';
import { corruptSession, secretRequired } from './errors';
import { isSecure } from './request/is-secure';
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options';
import { finishResponse } from './request/response-finish';
import { Session } from './session/session';
import { createSessionIdCodec, type SessionIdCodec } from './cookie-codec/codec';
import type { SecretKey } from './cookie-codec/secret';
import { readSessionId } from './request/read-session-id';
import { hasOutlived, stampCreation } from './session/lifetime';
import { sessionInflaterFor, type SessionInflater, type Store } from './session/store';
import { StoreCall } from './request/store-call';
import { fastAccessOf, type FastStoreAccess } from './stores/fast-store';
import type { SessionRequest, StoredSession } from './types';

// Created here so depd attributes the setup warnings to the code that called the factory.
const deprecate = depd('wasm-session');

export type NextFunction = (err?: unknown) => void;
export type SessionMiddleware = (req: SessionRequest, res: ServerResponse, next: NextFunction) => void;

/** Everything a request needs from the setup, built once per middleware. */
export interface SessionContext extends ResolvedOptions {
  storeReady: boolean;
  /** Present when the store is one of ours, unmodified, and answers synchronously. */
  fast: FastStoreAccess | undefined;
  storeImplementsTouch: boolean;
  /** Builds `req.session` from stored data: our Session and Cookie unless the store overrides createSession. */
  inflate: SessionInflater;
  /** The codec for the configured secrets; per-request `req.secret` codecs are cached. */
  codec: SessionIdCodec | undefined;
  codecForSecret: Map<unknown, SessionIdCodec>;
}

/**
 * The request path: verify the ID from the Cookie header, load the session,
 * hand over to the app, and at the end of the response decide what to save
 * and which cookie to set (response-finish.ts).
 */
export function createSessionMiddleware(options?: SessionOptions): SessionMiddleware {
  const resolved = resolveOptions(options);
  if (resolved.deprecated.resave) deprecate('undefined resave option; provide resave option');
  if (resolved.deprecated.saveUninitialized) deprecate('undefined saveUninitialized option; provide saveUninitialized option');
  if (resolved.deprecated.secret) deprecate('req.secret; provide secret option');

  const ctx = createContext(resolved);
  const store = ctx.store;

  store.generate = (req) => generateSession(ctx, req);
  store.on('disconnect', () => {
    ctx.storeReady = false;
  });
  store.on('connect', () => {
    ctx.storeReady = true;
  });

  return function session(req, res, next) {
    if (req.session) {
      next();
      return;
    }
    if (!ctx.storeReady) {
      debug('store is disconnected');
      next();
      return;
    }

    if (!isUnderCookiePath(ctx, req)) {
      debug('pathname mismatch');
      next();
      return;
    }

    const codec = codecFor(ctx, req);
    if (codec === undefined) {
      next(secretRequired());
      return;
    }

    req.sessionStore = store;
    const cookieId = readSessionId(req, ctx.name, codec);
    req.sessionID = cookieId as string;

    const tracker = new ChangeTracker();
    tracker.storeTimeout = ctx.storeTimeout;
    (req as TrackedRequest)[REQUEST_TRACKER] = tracker;
    finishResponse(ctx, req, res, next, cookieId, codec, tracker);

    if (!cookieId) {
      debug('no SID sent, generating session');
      startNewSession(ctx, req, tracker);
      next();
      return;
    }

    debug('fetching %s', cookieId);
    const fast = ctx.fast;
    if (fast !== undefined) {
      try {
        const text = fast.readJSON(cookieId);
        adoptLoaded(ctx, req, tracker, text === undefined ? undefined : parseStored(cookieId, text), text);
      } catch (err) {
        next(err);
        return;
      }
      next();
      return;
    }

    // Guarded: one answer only (a store calling back twice must not run the app twice), within storeTimeout.
    const load = new StoreCall('get', ctx.storeTimeout, (err, sess) => {
      if (err && (err as { code?: unknown }).code !== 'ENOENT') {
        debug('error %j', err);
        next(err);
        return;
      }
      try {
        adoptLoaded(ctx, req, tracker, err ? undefined : (sess as StoredSession | null | undefined) || undefined, undefined);
      } catch (e) {
        next(e);
        return;
      }
      next();
    });
    load.run((answer) => store.get(cookieId, answer));
  };
}

function createContext(resolved: ResolvedOptions): SessionContext {
  const secrets = resolved.secrets;
  const store = resolved.store;
  return {
    ...resolved,
    storeReady: true,
    fast: fastAccessIfUnmodified(store),
    storeImplementsTouch: typeof store.touch === 'function',
    inflate: sessionInflaterFor(store),
    codec: secrets ? createSessionIdCodec(resolved.name, secrets) : undefined,
    codecForSecret: new Map(),
  };
}

const STORE_METHODS = ['get', 'set', 'destroy', 'touch'] as const;

/**
 * The store's synchronous side door, used only while the store's callback
 * methods are still its class's own: an app or a subclass that overrides
 * get/set/destroy/touch (to log, encrypt, instrument…) must see every call,
 * so such a store is driven through its callbacks like any foreign store.
 */
function fastAccessIfUnmodified(store: Store): FastStoreAccess | undefined {
  const fast = fastAccessOf(store);
  if (fast === undefined) return undefined;
  let owner: object | undefined;
  for (const name of STORE_METHODS) {
    if (Object.prototype.hasOwnProperty.call(store, name)) return undefined;
    let proto = Object.getPrototypeOf(store) as object | null;
    while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, name)) proto = Object.getPrototypeOf(proto);
    if (proto === null) continue;
    if (owner === undefined) owner = proto;
    else if (owner !== proto) return undefined;
  }
  return fast;
}

/**
 * Whether the request's original path lies under the cookie's path; outside
 * it there is no session. The default path '/' covers every URL that starts
 * with '/', which spares parsing the URL on the common path.
 */
function isUnderCookiePath(ctx: SessionContext, req: SessionRequest): boolean {
  const cookiePath = resolveCookieOptions(ctx, req).path || '/';
  if (cookiePath === '/') {
    const url = req.originalUrl || req.url;
    if (url !== undefined && url.charCodeAt(0) === 0x2f /* / */) return true;
  }
  const pathname = parseUrl.original(req)?.pathname || '/';
  return pathname.indexOf(cookiePath) === 0;
}

function resolveCookieOptions(ctx: SessionContext, req: SessionRequest): CookieOptions {
  return typeof ctx.cookie === 'function' ? ctx.cookie(req) : ctx.cookie;
}

/** The configured codec, or one for cookie-parser's `req.secret`, or undefined when neither exists. */
function codecFor(ctx: SessionContext, req: SessionRequest): SessionIdCodec | undefined {
  if (ctx.codec !== undefined) {
    if (ctx.secretArray !== undefined && !sameSecrets(ctx.secretArray, ctx.secrets!)) rebuildCodec(ctx);
    return ctx.codec;
  }
  const secret = req.secret;
  if (!secret) return undefined;
  let codec = ctx.codecForSecret.get(secret);
  if (codec === undefined) {
    // A handful of secrets at most in practice; the bound keeps a hostile app from growing it.
    if (ctx.codecForSecret.size >= 16) ctx.codecForSecret.clear();
    codec = createSessionIdCodec(ctx.name, [secret]);
    ctx.codecForSecret.set(secret, codec);
  }
  return codec;
}

function sameSecrets(current: readonly SecretKey[], known: readonly SecretKey[]): boolean {
  if (current.length !== known.length) return false;
  for (let i = 0; i < current.length; i++) if (current[i] !== known[i]) return false;
  return true;
}

/** The app mutated its secret array (key rotation at run time): sign and verify with the new list. */
function rebuildCodec(ctx: SessionContext): void {
  const secrets = ctx.secretArray!.slice();
  debug('secret array changed; rebuilding the cookie codec');
  ctx.secrets = secrets;
  // An emptied array leaves nothing to sign with: express-session then fails in cookie-signature, as we do.
  ctx.codec = createSessionIdCodec(ctx.name, secrets);
}

/** Gives `req` a new ID, Session and Cookie (also the store's `generate`, used by regenerate). */
function generateSession(ctx: SessionContext, req: SessionRequest): void {
  req.sessionID = ctx.genid(req);
  const sess = new Session(req);
  req.session = sess;
  sess.cookie = new Cookie(resolveCookieOptions(ctx, req));
  if (ctx.maxLifetime > 0) stampCreation(sess.cookie, Date.now());
  // As express-session does, 'auto' is honoured only when the option is an object, not a function.
  const staticOptions = ctx.cookie as CookieOptions;
  if (staticOptions.secure === 'auto' || staticOptions.sameSite === 'auto') {
    const secure = isSecure(req, ctx.proxy);
    if (staticOptions.secure === 'auto') sess.cookie.secure = secure;
    if (staticOptions.sameSite === 'auto') sess.cookie.sameSite = secure ? 'none' : 'lax';
  }
}

function startNewSession(ctx: SessionContext, req: SessionRequest, tracker: ChangeTracker): void {
  generateSession(ctx, req);
  tracker.generated(req.session as Session);
}

function parseStored(sid: string, text: string): StoredSession {
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch (err) {
    throw corruptSession(sid, err);
  }
  if (stored === null || typeof stored !== 'object' || typeof (stored as StoredSession).cookie !== 'object') {
    throw corruptSession(sid, new TypeError('not an object with a cookie'));
  }
  return stored as StoredSession;
}

/** Turns what the store returned into `req.session`, or starts a new session when nothing was found. */
function adoptLoaded(
  ctx: SessionContext,
  req: SessionRequest,
  tracker: ChangeTracker,
  stored: StoredSession | undefined,
  storedJSON: string | undefined,
): void {
  if (stored && ctx.maxLifetime > 0 && hasOutlived(stored, ctx.maxLifetime, Date.now())) {
    debug('session outlived maxLifetime');
    destroyOutlived(ctx.store, req.sessionID);
    stored = undefined;
  }
  if (!stored) {
    debug('no session found');
    startNewSession(ctx, req, tracker);
    return;
  }
  debug('session found');
  ctx.inflate(req, stored);
  tracker.loaded(req.sessionID, req.session as Session, stored, storedJSON, !ctx.resave);
}

/**
 * Removes a session that outlived maxLifetime, without holding the request:
 * the request already has a new session, and this middleware never accepts
 * the old entry again, so a failed destroy (logged) only leaves an entry for
 * the store's own expiry to remove.
 */
function destroyOutlived(store: Store, sid: string): void {
  const report = (err?: unknown) => {
    if (err) debug('destroying the outlived session failed: %s', (err as Error)?.message ?? err);
  };
  try {
    store.destroy(sid, report);
  } catch (err) {
    report(err);
  }
}
