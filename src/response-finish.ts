import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import { sessionJSON, type ChangeTracker } from './change-tracker';
import { debug } from './debug';
import { serializeFailed } from './errors';
import { isSecure } from './is-secure';
import type { NextFunction, SessionContext } from './middleware';
import { Session, TRACKED_SAVE } from './session';
import type { SessionIdCodec } from './session-id/codec';
import { serializeSetCookie } from './set-cookie';
import type { FastWriteResult } from './stores/fast-store';
import type { SessionRequest } from './types';

export interface RequestSessionState {
  /** The ID the request's cookie carried, if it verified. */
  cookieId: string | undefined;
  codec: SessionIdCodec;
  tracker: ChangeTracker;
}

type EndArgs = Parameters<ServerResponse['end']>;
type Done = (err?: unknown) => void;

/**
 * Hooks the response so that, when the app ends it, the session is saved,
 * touched or destroyed by express-session's rules, Set-Cookie is added as
 * the headers go out, and the held final chunk is written once, after the
 * store has finished: the client cannot see the response before the session
 * it changed is stored, and the body goes to the socket in a single write.
 */
export function finishResponse(
  ctx: SessionContext,
  req: SessionRequest,
  res: ServerResponse,
  next: NextFunction,
  state: RequestSessionState,
): void {
  const { tracker, cookieId } = state;
  let touched = false;

  const shouldSave = (sess: Session): boolean => {
    if (typeof req.sessionID !== 'string') {
      debug('session ignored because of bogus req.sessionID %o', req.sessionID);
      return false;
    }
    return !ctx.saveUninitialized && tracker.savedData === undefined && cookieId !== req.sessionID
      ? tracker.isModified(sess)
      : !tracker.isSaved(sess);
  };

  const shouldTouch = (sess: Session): boolean => {
    if (typeof req.sessionID !== 'string') {
      debug('session ignored because of bogus req.sessionID %o', req.sessionID);
      return false;
    }
    return cookieId === req.sessionID && !shouldSave(sess);
  };

  const shouldSetCookie = (sess: Session): boolean => {
    if (typeof req.sessionID !== 'string') return false;
    return cookieId !== req.sessionID
      ? ctx.saveUninitialized || tracker.isModified(sess)
      : ctx.rolling || (sess.cookie.expires != null && tracker.isModified(sess));
  };

  const shouldDestroy = (): boolean => Boolean(req.sessionID) && ctx.unsetDestroy && req.session == null;

  onHeaders(res, () => {
    const sess = req.session;
    if (!sess) {
      debug('no session');
      return;
    }
    let setCookie: boolean;
    try {
      setCookie = shouldSetCookie(sess);
    } catch (err) {
      // Unserialisable session data: no cookie; res.end reports the error (ERR_SESSION_SERIALIZE).
      debug('session data cannot be serialised: %s', (err as Error)?.message);
      return;
    }
    if (!setCookie) return;
    if (sess.cookie.secure && !isSecure(req, ctx.proxy)) {
      debug('not secured');
      return;
    }
    if (!touched) {
      sess.touch();
      touched = true;
    }
    try {
      const header = serializeSetCookie(ctx.name, state.codec.sign(req.sessionID), sess.cookie.data);
      debug('set-cookie %s', header);
      appendSetCookie(res, header);
    } catch (err) {
      setImmediate(next, err);
    }
  });

  const originalEnd = res.end as (...args: EndArgs) => ServerResponse;
  let ended = false;

  res.end = function end(this: ServerResponse, ...args: EndArgs): ServerResponse {
    if (ended) return this;
    ended = true;

    // After the store answered: report its error (as express-session, once the
    // response is on its way) and send the held chunk. The data JSON computed
    // below stays valid until then, so the Set-Cookie decision reuses it.
    const finish: Done = (err) => {
      if (err) setImmediate(next, err);
      originalEnd.apply(res, args);
      tracker.thaw();
    };

    if (shouldDestroy()) {
      debug('destroying');
      const sid = req.sessionID;
      const fast = ctx.fast;
      const destroyed: Done = (err) => {
        if (!err) debug('destroyed');
        finish(err);
      };
      if (fast) afterFastWrite(() => fast.destroy(sid), destroyed);
      else afterCallbackWrite((cb) => ctx.store.destroy(sid, cb), destroyed);
      return this;
    }

    const sess = req.session;
    if (!sess) {
      debug('no session');
      return originalEnd.apply(res, args);
    }

    if (!touched) {
      sess.touch();
      touched = true;
    }

    let data: string;
    try {
      data = tracker.freeze(sess);
    } catch (err) {
      return failBeforeHeaders(res, originalEnd, args, next, serializeFailed(err));
    }

    if (shouldSave(sess)) {
      const fast = ctx.fast;
      if (fast !== undefined && isPlainSave(sess)) {
        debug('saving %s', sess.id);
        tracker.savedData = data;
        const sid = req.sessionID;
        afterFastWrite(() => fast.writeJSON(sid, sessionJSON(sess, data), expiryOf(sess)), finish);
      } else {
        afterCallbackWrite((cb) => sess.save(cb), finish);
      }
      return this;
    }

    if (ctx.storeImplementsTouch && shouldTouch(sess)) {
      debug('touching');
      const sid = req.sessionID;
      const fast = ctx.fast;
      const touchedInStore: Done = (err) => {
        if (!err) debug('touched');
        finish(err);
      };
      if (fast) afterFastWrite(() => fast.touch(sid, sessionJSON(sess, data), expiryOf(sess)), touchedInStore);
      else afterCallbackWrite((cb) => ctx.store.touch!(sid, sess, cb), touchedInStore);
      return this;
    }

    const ret = originalEnd.apply(res, args);
    tracker.thaw();
    return ret;
  } as ServerResponse['end'];
}

/** Whether the session's save is ours (not replaced by the app), so the store may be written directly. */
function isPlainSave(sess: Session): boolean {
  const save = sess.save as { [TRACKED_SAVE]?: true };
  return save === Session.prototype.save || save[TRACKED_SAVE] === true;
}

function expiryOf(sess: Session): number {
  const expires = sess.cookie?.expires;
  return expires instanceof Date ? expires.getTime() : NaN;
}

/**
 * Runs one of our stores' fast writes and calls `done` when it is finished:
 * at once when it returned nothing, when the promise settles otherwise.
 */
function afterFastWrite(write: () => FastWriteResult, done: Done): void {
  let result: FastWriteResult;
  try {
    result = write();
  } catch (err) {
    done(err);
    return;
  }
  if (result instanceof Promise) result.then(() => done(), done);
  else done();
}

/**
 * Runs a callback-style store write. A store that throws instead of calling
 * back is reported like one that failed, so the response still goes out
 * (express-session would let the throw escape `res.end` and leave the
 * response hanging). `done` runs once even if a store calls back twice.
 */
function afterCallbackWrite(write: (cb: Done) => void, done: Done): void {
  let called = false;
  const once: Done = (err) => {
    if (called) return;
    called = true;
    done(err);
  };
  try {
    write(once);
  } catch (err) {
    once(err);
  }
}

/** A session that cannot be serialised fails the request before anything is sent, when that is still possible. */
function failBeforeHeaders(
  res: ServerResponse,
  originalEnd: (...args: EndArgs) => ServerResponse,
  args: EndArgs,
  next: NextFunction,
  err: Error,
): ServerResponse {
  if (!res.headersSent) {
    res.end = originalEnd as ServerResponse['end'];
    next(err);
    return res;
  }
  setImmediate(next, err);
  return originalEnd.apply(res, args);
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader('Set-Cookie');
  // Always an array, as express-session leaves it, so later middleware sees the same shape.
  const header = prev === undefined || prev === '' ? [cookie] : Array.isArray(prev) ? prev.concat(cookie) : [String(prev), cookie];
  res.setHeader('Set-Cookie', header);
}
