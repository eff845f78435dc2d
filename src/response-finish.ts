import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import { sessionJSON, type ChangeTracker } from './change-tracker';
import { debug } from './debug';
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

/**
 * Hooks the response so that, when the app ends it, the session is saved,
 * touched or destroyed as the rules below say, Set-Cookie is added as the
 * headers go out, and the body is written once, after the store has finished.
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
    if (typeof req.sessionID !== 'string') return false;
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
    if (!shouldSetCookie(sess)) return;
    if (sess.cookie.secure && !isSecure(req, ctx.proxy)) {
      debug('not secured');
      return;
    }
    if (!touched) {
      sess.touch();
      touched = true;
    }
    try {
      appendSetCookie(res, serializeSetCookie(ctx.name, state.codec.sign(req.sessionID), sess.cookie.data));
    } catch (err) {
      setImmediate(next, err);
    }
  });

  const originalEnd = res.end as (...args: EndArgs) => ServerResponse;
  let ended = false;

  res.end = function end(this: ServerResponse, ...args: EndArgs): ServerResponse {
    if (ended) return this;
    ended = true;

    const finish = (err?: unknown): void => {
      if (err) setImmediate(next, err);
      originalEnd.apply(res, args);
    };

    if (shouldDestroy()) {
      debug('destroying');
      afterWrite(ctx.fast ? ctx.fast.destroy(req.sessionID) : undefined, ctx.fast ? undefined : (cb) => ctx.store.destroy(req.sessionID, cb), finish);
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
      return failBeforeHeaders(res, originalEnd, args, next, err);
    }

    try {
      if (shouldSave(sess)) {
        const viaFast = ctx.fast !== undefined && isPlainSave(sess);
        tracker.savedData = data;
        if (viaFast) {
          afterWrite(ctx.fast!.writeJSON(req.sessionID, sessionJSON(sess, data), expiryOf(sess)), undefined, finish);
        } else {
          sess.save(finish);
        }
        return this;
      }
      if (ctx.storeImplementsTouch && shouldTouch(sess)) {
        if (ctx.fast !== undefined) {
          afterWrite(ctx.fast.touch(req.sessionID, sessionJSON(sess, data), expiryOf(sess)), undefined, finish);
        } else {
          ctx.store.touch!(req.sessionID, sess, (err?: unknown) => {
            if (!err) debug('touched');
            finish(err);
          });
        }
        return this;
      }
      return originalEnd.apply(res, args);
    } finally {
      tracker.thaw();
    }
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
 * Runs `finish` once the store write is done: at once for a synchronous
 * write, when the promise settles for an asynchronous one, or through the
 * callback of a foreign store.
 */
function afterWrite(
  result: FastWriteResult,
  callbackWrite: ((cb: (err?: unknown) => void) => void) | undefined,
  finish: (err?: unknown) => void,
): void {
  if (callbackWrite !== undefined) {
    callbackWrite(finish);
    return;
  }
  if (result instanceof Promise) {
    result.then(() => finish(), finish);
    return;
  }
  finish();
}

/** A session that cannot be serialised fails the request before anything is sent, when that is still possible. */
function failBeforeHeaders(
  res: ServerResponse,
  originalEnd: (...args: EndArgs) => ServerResponse,
  args: EndArgs,
  next: NextFunction,
  cause: unknown,
): ServerResponse {
  const err = new Error(`session data cannot be serialised: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  (err as Error & { code: string }).code = 'ERR_SESSION_SERIALIZE';
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
  // Always an array, as the reference leaves it, so later middleware sees the same shape.
  const header = prev === undefined ? [cookie] : Array.isArray(prev) ? prev.concat(cookie) : [String(prev), cookie];
  res.setHeader('Set-Cookie', header);
}
