import type { ServerResponse } from 'node:http';
import depd from 'depd';
import parseUrl from 'parseurl';
import { ChangeTracker } from './request/change-tracker';
import { REQUEST_TRACKER, type TrackedRequest } from './session/tracker-link';
import { Cookie, type CookieOptions } from './session/cookie';
import { debug } from './debug';
import { corruptStoredEntry, secretRequired } from './errors';
import { isSecure } from './request/is-secure';
import { checkCookieOptions, resolveOptions, type ResolvedOptions, type SessionOptions } from './options';
import { finishResponse } from './request/response-finish';
import { Session, sessionInflaterFor, type SessionRequest, type Store } from './session/session';
import { createSessionIdCodec, type SessionIdCodec } from './cookie-codec/codec';
import type { SecretKey } from './cookie-codec/secret';
import { SetCookieSerializer } from './cookie-codec/set-cookie';
import { readSessionId } from './request/read-session-id';
import { hasOutlived, stampCreation } from './session/lifetime';
import { StoreCall } from './session/store-call';
import { FastPath } from './request/fast-path';
import type { NextFunction, SessionContext } from './context';
import { checkStoredSession } from './stores/stored-json';
import type { StoredSession } from './types';

// Created here so depd attributes the setup warnings to the code that called the factory.
const deprecate = depd('wasm-session');

export type SessionMiddleware = (req: SessionRequest, res: ServerResponse, next: NextFunction) => void;

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

    req.sessionStore = store;
    const cookieId = readSessionId(req, ctx.name, codec);
    req.sessionID = cookieId as string;

    const tracker = new ChangeTracker();
    tracker.storeTimeout = ctx.storeTimeout;
    (req as TrackedRequest)[REQUEST_TRACKER] = tracker;
    finishResponse(ctx, req, res, next, cookieId, codec, tracker);

    if (!cookieId) {
      debug('no SID sent, generating session');
      try {
        startNewSession(ctx, req, tracker);
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
      try {
        // Our store answers a corrupt entry as not found (it removes and reports it), so the user is not locked out.
        const loaded = fast.readSession(cookieId);
        adoptLoaded(ctx, req, tracker, loaded?.session, loaded?.text);
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
        // A foreign store's answer meets the same shape rule as our stores' text; a failure is next(err) ERR_SESSION_CORRUPT.
        const stored = err || !sess ? undefined : checkStoredSession(cookieId, sess);
        adoptLoaded(ctx, req, tracker, stored, undefined);
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
    fastPath: FastPath.of(store),
    storeImplementsTouch: typeof store.touch === 'function',
    inflate: sessionInflaterFor(store),
    codec: secrets ? createSessionIdCodec(resolved.name, secrets) : undefined,
    codecForSecret: new Map(),
    setCookie: new SetCookieSerializer(),
  };
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

/** The cookie options for this request; a `cookie` function's result is checked as the object form is at setup. */
function resolveCookieOptions(ctx: SessionContext, req: SessionRequest): CookieOptions {
  return typeof ctx.cookie === 'function' ? checkCookieOptions(ctx.cookie(req), ctx.name, false) : ctx.cookie;
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
  let cookieOptions: CookieOptions;
  try {
    cookieOptions = resolveCookieOptions(ctx, req);
  } catch (err) {
    // No half-built session (one without a cookie) is left for the end of the response to trip on.
    req.session = undefined;
    throw err;
  }
  sess.cookie = new Cookie(cookieOptions);
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
  try {
    tracker.loaded(req.sessionID, req.session as Session, stored, storedJSON, !ctx.resave);
  } catch (err) {
    // Only a foreign store's object gets here (stringified for the baseline): one too deep for JSON is damaged data.
    // The request fails with no session, so the end of the response does not trip over it again.
    delete req.session;
    throw corruptStoredEntry(req.sessionID, `value cannot be serialised (${(err as Error)?.message})`, err);
  }
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
