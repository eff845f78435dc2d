import type { ServerResponse } from 'node:http';
import depd from 'depd';
import parseUrl from 'parseurl';
import { linkTracker } from './session/tracker-link';
import { toDictionaryMode } from './request/dictionary-mode';
import { debug } from './debug';
import { secretRequired } from './errors';
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options';
import { RequestSession } from './request/request-session';
import { installRequestAccessors, hasRequestAccessors } from './request/request-accessors';
import { installResponseHooks } from './request/response-hooks';
import { adoptLoaded, generateSession, resolveCookieOptions, startNewSession } from './request/load-session';
import { sessionInflaterFor, type SessionRequest } from './session/session';
import { createSessionIdCodec, type SessionIdCodec } from './cookie-codec/codec';
import type { SecretKey } from './cookie-codec/secret';
import { SetCookieSerializer } from './cookie-codec/set-cookie';
import { readSessionId } from './request/read-session-id';
import { StoreCall } from './session/store-call';
import { FastPath } from './request/fast-path';
import type { NextFunction, SessionContext } from './context';
import { checkStoredSession } from './format/stored-json';
import type { StoredSession } from './types';
import { NOT_AT_HAND, type LaterRead, type LoadedSession } from './stores/fast-store';

// Created here so depd attributes the setup warnings to the code that called the factory.
const deprecate = depd('wasm-session');

export type SessionMiddleware = (req: SessionRequest, res: ServerResponse, next: NextFunction) => void;

/**
 * The request path: verify the ID from the Cookie header, load the session,
 * hand over to the app, and at the end of the response decide what to save
 * and which cookie to set (request/request-session.ts).
 */
export function createSessionMiddleware(options?: SessionOptions): SessionMiddleware {
  const resolved = resolveOptions(options);
  if (resolved.deprecated.resave) deprecate('undefined resave option; provide resave option');
  if (resolved.deprecated.saveUninitialized) deprecate('undefined saveUninitialized option; provide saveUninitialized option');
  if (resolved.deprecated.secret) deprecate('req.secret; provide secret option');

  const ctx = createContext(resolved, options?.lazySession !== false);
  const store = ctx.store;

  store.generate = (req) => generateSession(ctx, req);
  installRequestAccessors();
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

    // A `cookie` function's result is checked per request: a bad one is this request's error.
    let underCookiePath: boolean;
    try {
      underCookiePath = isUnderCookiePath(ctx, req);
    } catch (err) {
      next(err);
      return;
    }
    if (!underCookiePath) {
      debug('pathname mismatch');
      next();
      return;
    }

    const codec = codecFor(ctx, req);
    if (codec === undefined) {
      next(secretRequired());
      return;
    }

    const cookieId = readSessionId(req, ctx.name, codec);
    const accessors = hasRequestAccessors(req);
    const state = new RequestSession(ctx, req, res, next, cookieId, codec, accessors);
    toDictionaryMode(req);
    toDictionaryMode(res);
    // The one property (a symbol) this middleware adds to the request.
    linkTracker(req, state);

    if (!cookieId) {
      debug('no SID sent, generating session');
      try {
        startNewSession(ctx, req, state);
      } catch (err) {
        next(err);
        return;
      }
      next();
      return;
    }

    debug('fetching %s', cookieId);
    const fast = ctx.fastPath?.current();
    if (fast !== undefined) {
      const later = fast.later;
      if (later === undefined && accessors && ctx.deferLoad) {
        // Our own store: loading on first use of req.session is unobservable, and a handler that never reads it costs no parse.
        state.deferLoad(fast);
        next();
        return;
      }
      let loaded: LoadedSession | undefined | typeof NOT_AT_HAND;
      try {
        // Our store answers a corrupt entry as not found (it removes and reports it), so the user is not locked out.
        loaded = later === undefined ? fast.readSession(cookieId) : later.atHand(cookieId);
      } catch (err) {
        next(err);
        return;
      }
      if (loaded === NOT_AT_HAND) loadLater(ctx, req, state, next, later!, cookieId);
      else adoptThenNext(ctx, req, state, next, loaded?.session, loaded?.text);
      return;
    }

    // Guarded: one answer only (a store calling back twice must not run the app twice), within storeTimeout.
    const load = new StoreCall('get', ctx.storeTimeout, (err, sess) => {
      if (err && (err as { code?: unknown }).code !== 'ENOENT') {
        debug('error %j', err);
        next(err);
        return;
      }
      let stored: StoredSession | undefined;
      try {
        // A foreign store's answer meets the same shape rule as our stores' text; a failure is next(err) ERR_SESSION_CORRUPT.
        stored = err || !sess ? undefined : checkStoredSession(cookieId, sess);
      } catch (e) {
        next(e);
        return;
      }
      adoptThenNext(ctx, req, state, next, stored, undefined);
    });
    load.run((answer) => store.get(cookieId, answer));
  };
}

/** Makes what the store answered `req.session` (or starts a new session), then hands over to the app; a throw is next(err). */
function adoptThenNext(
  ctx: SessionContext,
  req: SessionRequest,
  state: RequestSession,
  next: NextFunction,
  stored: StoredSession | undefined,
  storedJSON: string | undefined,
): void {
  try {
    adoptLoaded(ctx, req, state, stored, storedJSON);
  } catch (err) {
    next(err);
    return;
  }
  next();
}

/** Our store, but its answer takes a round trip: waited for before the app runs, guarded as a foreign store's get. */
function loadLater(ctx: SessionContext, req: SessionRequest, state: RequestSession, next: NextFunction, later: LaterRead, sid: string): void {
  const load = new StoreCall('get', ctx.storeTimeout, (err, answered) => {
    if (err) {
      debug('error %j', err);
      next(err);
      return;
    }
    const found = answered as LoadedSession | undefined;
    adoptThenNext(ctx, req, state, next, found?.session, found?.text);
  });
  load.run((answer) => later.load(sid, answer));
}

function createContext(resolved: ResolvedOptions, lazySession: boolean): SessionContext {
  const secrets = resolved.secrets;
  const store = resolved.store;
  return {
    ...resolved,
    storeReady: true,
    fastPath: FastPath.of(store),
    storeImplementsTouch: typeof store.touch === 'function',
    inflate: sessionInflaterFor(store),
    codec: secrets ? createSessionIdCodec(resolved.name, secrets) : undefined,
    codecForSecret: new Map(),
    setCookie: new SetCookieSerializer(),
    deferLoad: lazySession && canDeferLoad(resolved),
    responseHooks: installResponseHooks(),
  };
}

/**
 * Whether a request on our own store may load its session on first use
 * instead of before the app runs (the `lazySession` option, on by default).
 * One thing an app can do is then not seen: `delete req.session` on a
 * request that never read it (a prototype accessor cannot see a delete),
 * where express-session would skip the touch; `lazySession: false` restores
 * that. Only where a request that never reads
 * `req.session` provably ends as "unmodified session, touched": with resave
 * on it would be saved, with saveUninitialized or rolling a cookie may be
 * set, unset 'destroy' must see `delete req.session` (only an own property
 * can), and maxLifetime may end the session at load.
 */
function canDeferLoad(options: ResolvedOptions): boolean {
  return !options.resave && !options.saveUninitialized && !options.rolling && !options.unsetDestroy && !(options.maxLifetime > 0);
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
