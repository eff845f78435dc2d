import { Cookie, type CookieOptions } from '../session/cookie';
import { debug } from '../debug';
import { corruptStoredEntry } from '../errors';
import { checkCookieOptions } from '../options';
import { isSecure } from './is-secure';
import { Session, type SessionRequest, type Store } from '../session/session';
import { hasOutlived, stampCreation } from '../session/lifetime';
import type { SessionContext } from '../context';
import type { ChangeTracker } from './change-tracker';
import type { StoredSession } from '../types';

/**
 * How `req.session` comes to be: generated for a request without a usable
 * session, or built from what the store answered.
 */

/** The cookie options for this request; a `cookie` function's result is checked as the object form is at setup. */
export function resolveCookieOptions(ctx: SessionContext, req: SessionRequest): CookieOptions {
  return typeof ctx.cookie === 'function' ? checkCookieOptions(ctx.cookie(req), ctx.name, false) : ctx.cookie;
}

/** Gives `req` a new ID, Session and Cookie (also the store's `generate`, used by regenerate). */
export function generateSession(ctx: SessionContext, req: SessionRequest): void {
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

export function startNewSession(ctx: SessionContext, req: SessionRequest, tracker: ChangeTracker): void {
  generateSession(ctx, req);
  tracker.generated(req.session as Session);
}

/** Turns what the store returned into `req.session`, or starts a new session when nothing was found. */
export function adoptLoaded(
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
