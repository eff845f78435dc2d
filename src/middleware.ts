import type { ServerResponse } from 'node:http';
import parseUrl from 'parseurl';
import { ChangeTracker } from './change-tracker';
import { Cookie, type CookieOptions } from './cookie';
import { debug } from './debug';
import { isSecure } from './is-secure';
import { resolveOptions, type ResolvedOptions, type SessionOptions } from './options';
import { finishResponse } from './response-finish';
import { Session, TRACKED_SAVE } from './session';
import { createSessionIdCodec, type SessionIdCodec } from './session-id/codec';
import { readSessionId } from './read-session-id';
import { fastAccessOf } from './stores/fast-store';
import type { SessionRequest, StoredSession } from './types';

export type NextFunction = (err?: unknown) => void;
export type SessionMiddleware = (req: SessionRequest, res: ServerResponse, next: NextFunction) => void;

/** Everything a request needs from the setup, built once per middleware. */
export interface SessionContext extends ResolvedOptions {
  storeReady: boolean;
  /** Present when the store is one of ours and answers synchronously. */
  fast: ReturnType<typeof fastAccessOf>;
  storeImplementsTouch: boolean;
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
  const ctx = createContext(resolveOptions(options));
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

    const cookieOptions = resolveCookieOptions(ctx, req);
    const pathname = parseUrl.original(req)?.pathname || '/';
    if (pathname.indexOf(cookieOptions.path || '/') !== 0) {
      debug('pathname mismatch');
      next();
      return;
    }

    const codec = codecFor(ctx, req);
    if (codec === undefined) {
      next(new Error('secret option required for sessions'));
      return;
    }

    req.sessionStore = store;
    const cookieId = readSessionId(req, ctx.name, codec);
    req.sessionID = cookieId as string;

    const tracker = new ChangeTracker();
    finishResponse(ctx, req, res, next, { cookieId, codec, tracker });

    if (!cookieId) {
      debug('no SID sent, generating session');
      startNewSession(ctx, req, tracker);
      next();
      return;
    }

    debug('fetching %s', cookieId);
    const fast = ctx.fast;
    if (fast !== undefined) {
      let loaded: StoredSession | undefined;
      try {
        const text = fast.readJSON(cookieId);
        loaded = text === undefined ? undefined : (JSON.parse(text) as StoredSession);
        adoptLoaded(ctx, req, tracker, loaded);
      } catch (err) {
        next(err);
        return;
      }
      next();
      return;
    }

    store.get(cookieId, (err, sess) => {
      if (err && (err as { code?: unknown }).code !== 'ENOENT') {
        debug('error %j', err);
        next(err);
        return;
      }
      try {
        adoptLoaded(ctx, req, tracker, err ? undefined : sess ?? undefined);
      } catch (e) {
        next(e);
        return;
      }
      next();
    });
  };
}

function createContext(resolved: ResolvedOptions): SessionContext {
  const secrets = resolved.secrets;
  return {
    ...resolved,
    storeReady: true,
    fast: fastAccessOf(resolved.store),
    storeImplementsTouch: typeof resolved.store.touch === 'function',
    codec: secrets ? createSessionIdCodec(resolved.name, secrets) : undefined,
    codecForSecret: new Map(),
  };
}

function resolveCookieOptions(ctx: SessionContext, req: SessionRequest): CookieOptions {
  return typeof ctx.cookie === 'function' ? ctx.cookie(req) : ctx.cookie;
}

/** The configured codec, or one for cookie-parser's `req.secret`, or undefined when neither exists. */
function codecFor(ctx: SessionContext, req: SessionRequest): SessionIdCodec | undefined {
  if (ctx.codec !== undefined) return ctx.codec;
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

/** Gives `req` a new ID, Session and Cookie (also the store's `generate`, used by regenerate). */
function generateSession(ctx: SessionContext, req: SessionRequest): void {
  req.sessionID = ctx.genid(req);
  const sess = new Session(req);
  req.session = sess;
  sess.cookie = new Cookie(resolveCookieOptions(ctx, req));
  // As the reference does, 'auto' is resolved only when the option is an object.
  const staticOptions = ctx.cookie as CookieOptions;
  if (staticOptions.secure === 'auto' || staticOptions.sameSite === 'auto') {
    const secure = isSecure(req, ctx.proxy);
    if (staticOptions.secure === 'auto') sess.cookie.secure = secure;
    if (staticOptions.sameSite === 'auto') sess.cookie.sameSite = secure ? 'none' : 'lax';
  }
}

function startNewSession(ctx: SessionContext, req: SessionRequest, tracker: ChangeTracker): void {
  generateSession(ctx, req);
  const sess = req.session as Session;
  tracker.generated(sess);
  wrapMethods(req, sess, tracker);
}

/** Turns what the store returned into `req.session`, or starts a new session when nothing was found. */
function adoptLoaded(ctx: SessionContext, req: SessionRequest, tracker: ChangeTracker, stored: StoredSession | undefined): void {
  if (!stored) {
    debug('no session found');
    startNewSession(ctx, req, tracker);
    return;
  }
  debug('session found');
  const sess = ctx.store.createSession(req, stored);
  tracker.loaded(sess, !ctx.resave);
  wrapMethods(req, sess, tracker);
}

/**
 * Wraps `save` so an explicit save is remembered (no second save at the end),
 * and `reload` so the reloaded session is wrapped again.
 */
function wrapMethods(req: SessionRequest, sess: Session, tracker: ChangeTracker): void {
  const originalSave = sess.save;
  const originalReload = sess.reload;
  const save = function save(this: Session, ...args: Parameters<Session['save']>) {
    tracker.saved(this);
    return originalSave.apply(this, args);
  };
  Object.defineProperty(save, TRACKED_SAVE, { value: true });
  Object.defineProperty(sess, 'save', { configurable: true, enumerable: false, writable: true, value: save });
  Object.defineProperty(sess, 'reload', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function reload(this: Session, callback: (err?: unknown) => void) {
      return originalReload.call(this, (err?: unknown) => {
        if (req.session && req.session !== this) wrapMethods(req, req.session, tracker);
        callback(err);
      });
    },
  });
}
