import type { ServerResponse } from 'node:http';
import onHeaders from 'on-headers';
import type { ChangeTracker } from './change-tracker';
import { debug } from '../debug';
import { serializeFailed } from '../errors';
import { isSecure } from './is-secure';
import type { NextFunction, SessionContext } from '../middleware';
import { Session } from '../session/session';
import type { SessionIdCodec } from '../cookie-codec/codec';
import { serializeSetCookie } from '../cookie-codec/set-cookie';
import { StoreCall, type StoreOperation } from './store-call';
import type { FastStoreAccess, FastWriteResult } from '../stores/fast-store';
import type { SessionRequest } from '../types';

type EndArgs = Parameters<ServerResponse['end']>;
type OriginalEnd = (...args: EndArgs) => ServerResponse;
type Done = (err?: unknown) => void;

const RESPONSE_SESSION: unique symbol = Symbol('wasm-session.response');

interface HookedResponse extends ServerResponse {
  [RESPONSE_SESSION]: ResponseSession;
}

/**
 * Hooks the response so that, when the app ends it, the session is saved,
 * touched or destroyed by express-session's rules, Set-Cookie is added as
 * the headers go out, and the held final chunk is written once, after the
 * store has finished: the client cannot see the response before the session
 * it changed is stored, and the body goes to the socket in a single write.
 *
 * The hooks are shared functions that find their request's state on the
 * response, so a request allocates one state object rather than a closure
 * per rule.
 */
export function finishResponse(
  ctx: SessionContext,
  req: SessionRequest,
  res: ServerResponse,
  next: NextFunction,
  cookieId: string | undefined,
  codec: SessionIdCodec,
  tracker: ChangeTracker,
): void {
  const state = new ResponseSession(ctx, req, res, next, cookieId, codec, tracker);
  (res as HookedResponse)[RESPONSE_SESSION] = state;
  onHeaders(res, beforeHeaders);
  res.end = endWithSession as ServerResponse['end'];
}

function beforeHeaders(this: ServerResponse): void {
  (this as HookedResponse)[RESPONSE_SESSION].beforeHeaders();
}

function endWithSession(this: ServerResponse, ...args: EndArgs): ServerResponse {
  return (this as HookedResponse)[RESPONSE_SESSION].end(args);
}

/** One request's session bookkeeping from the app's hand-over to the last byte. */
class ResponseSession {
  private touched = false;
  private ended = false;
  private endArgs: EndArgs | undefined = undefined;
  private readonly originalEnd: OriginalEnd;

  constructor(
    private readonly ctx: SessionContext,
    private readonly req: SessionRequest,
    private readonly res: ServerResponse,
    private readonly next: NextFunction,
    /** The ID the request's cookie carried, if it verified. */
    private readonly cookieId: string | undefined,
    private readonly codec: SessionIdCodec,
    private readonly tracker: ChangeTracker,
  ) {
    this.originalEnd = res.end as OriginalEnd;
  }

  // The rules, named as express-session names them.

  private shouldSave(sess: Session): boolean {
    const req = this.req;
    if (typeof req.sessionID !== 'string') {
      debug('session ignored because of bogus req.sessionID %o', req.sessionID);
      return false;
    }
    const tracker = this.tracker;
    return !this.ctx.saveUninitialized && tracker.savedData === undefined && this.cookieId !== req.sessionID
      ? tracker.isModified(sess)
      : !tracker.isSaved(sess);
  }

  private shouldTouch(sess: Session): boolean {
    const req = this.req;
    if (typeof req.sessionID !== 'string') {
      debug('session ignored because of bogus req.sessionID %o', req.sessionID);
      return false;
    }
    return this.cookieId === req.sessionID && !this.shouldSave(sess);
  }

  private shouldSetCookie(sess: Session): boolean {
    const req = this.req;
    if (typeof req.sessionID !== 'string') return false;
    return this.cookieId !== req.sessionID
      ? this.ctx.saveUninitialized || this.tracker.isModified(sess)
      : this.ctx.rolling || (sess.cookie.expires != null && this.tracker.isModified(sess));
  }

  private shouldDestroy(): boolean {
    return Boolean(this.req.sessionID) && this.ctx.unsetDestroy && this.req.session == null;
  }

  private touchOnce(sess: Session): void {
    if (!this.touched) {
      sess.touch();
      this.touched = true;
    }
  }

  /** As the headers go out: add Set-Cookie when the rules want it. */
  beforeHeaders(): void {
    const sess = this.req.session;
    if (!sess) {
      debug('no session');
      if (this.ctx.clearCookieOnDestroy) this.clearCookieIfDestroyed();
      return;
    }
    let setCookie: boolean;
    try {
      setCookie = this.shouldSetCookie(sess);
    } catch (err) {
      // Unserialisable session data: no cookie; end() reports the error (ERR_SESSION_SERIALIZE).
      debug('session data cannot be serialised: %s', (err as Error)?.message);
      return;
    }
    if (!setCookie) return;
    if (sess.cookie.secure && !isSecure(this.req, this.ctx.proxy)) {
      debug('not secured');
      return;
    }
    this.touchOnce(sess);
    try {
      const header = serializeSetCookie(this.ctx.name, this.codec.sign(this.req.sessionID), sess.cookie.data);
      debug('set-cookie %s', header);
      appendSetCookie(this.res, header);
    } catch (err) {
      setImmediate(this.next, err);
    }
  }

  /**
   * clearCookieOnDestroy: the session was destroyed, so the browser is told
   * to drop its cookie (same name, path, domain and flags, Expires in 1970),
   * rather than keep sending an ID the store no longer knows.
   */
  private clearCookieIfDestroyed(): void {
    const cookie = this.tracker.destroyedCookie ?? (this.shouldDestroy() ? this.tracker.tracked?.cookie : undefined);
    if (cookie === undefined) return;
    if (cookie.secure && !isSecure(this.req, this.ctx.proxy)) {
      debug('not secured');
      return;
    }
    try {
      const header = serializeSetCookie(this.ctx.name, '', { ...cookie.data, expires: EXPIRED });
      debug('set-cookie %s', header);
      appendSetCookie(this.res, header);
    } catch (err) {
      setImmediate(this.next, err);
    }
  }

  /** The app ended the response: write to the store if the rules want it, then send the held chunk. */
  end(args: EndArgs): ServerResponse {
    const res = this.res;
    if (this.ended) return res;
    this.ended = true;
    this.endArgs = args;

    const ctx = this.ctx;
    const req = this.req;
    if (this.shouldDestroy()) {
      debug('destroying');
      const sid = req.sessionID;
      const fast = ctx.fast;
      if (fast) this.afterFastWrite(fast, 'destroy', sid, '', NaN, 'destroyed');
      else this.afterCallbackWrite('destroy', (cb) => ctx.store.destroy(sid, cb), 'destroyed');
      return res;
    }

    const sess = req.session;
    if (!sess) {
      debug('no session');
      return this.originalEnd.apply(res, args);
    }

    this.touchOnce(sess);
    const tracker = this.tracker;
    try {
      tracker.freeze(sess);
    } catch (err) {
      return this.failBeforeHeaders(serializeFailed(err));
    }

    if (this.shouldSave(sess)) {
      const fast = ctx.fast;
      if (fast !== undefined && sess.save === Session.prototype.save) {
        debug('saving %s', sess.id);
        tracker.savedData = tracker.current(sess);
        this.afterFastWrite(fast, 'writeJSON', req.sessionID, tracker.json, expiryOf(sess), undefined);
      } else {
        this.afterCallbackWrite('set', (cb) => sess.save(cb), undefined);
      }
      return res;
    }

    if (ctx.storeImplementsTouch && this.shouldTouch(sess)) {
      debug('touching');
      const fast = ctx.fast;
      if (fast) this.afterFastWrite(fast, 'touch', req.sessionID, tracker.json, expiryOf(sess), 'touched');
      else this.afterCallbackWrite('touch', (cb) => ctx.store.touch!(req.sessionID, sess, cb), 'touched');
      return res;
    }

    const ret = this.originalEnd.apply(res, args);
    tracker.thaw();
    return ret;
  }

  /**
   * After the store answered: report its error (as express-session does,
   * once the response is on its way) and send the held chunk. The frozen
   * session JSON stays valid until then, so the Set-Cookie decision reuses it.
   */
  private finish(err: unknown, doneMessage: string | undefined): void {
    if (err) setImmediate(this.next, err);
    else if (doneMessage !== undefined) debug(doneMessage);
    this.originalEnd.apply(this.res, this.endArgs!);
    this.tracker.thaw();
  }

  /** Runs one of our stores' fast writes: done at once when it returns nothing, when the promise settles otherwise. */
  private afterFastWrite(
    fast: FastStoreAccess,
    operation: 'writeJSON' | 'touch' | 'destroy',
    sid: string,
    json: string,
    expiresAt: number,
    doneMessage: string | undefined,
  ): void {
    let result: FastWriteResult;
    try {
      result = operation === 'destroy' ? fast.destroy(sid) : fast[operation](sid, json, expiresAt);
    } catch (err) {
      this.finish(err, doneMessage);
      return;
    }
    if (result instanceof Promise) {
      const write = new StoreCall(operation === 'writeJSON' ? 'set' : operation, this.ctx.storeTimeout, (err) =>
        this.finish(err, doneMessage),
      );
      result.then(
        () => write.answer(),
        (err: unknown) => write.answer(err ?? new Error('store write failed')),
      );
    } else {
      this.finish(undefined, doneMessage);
    }
  }

  /**
   * Runs a callback-style store write. A store that throws instead of calling
   * back is reported like one that failed, so the response still goes out
   * (express-session would let the throw escape `res.end` and leave the
   * response hanging). The response is finished once even if a store calls
   * back twice, and within the storeTimeout option when one is set.
   */
  private afterCallbackWrite(operation: StoreOperation, write: (cb: Done) => void, doneMessage: string | undefined): void {
    new StoreCall(operation, this.ctx.storeTimeout, (err) => this.finish(err, doneMessage)).run(write);
  }

  /** A session that cannot be serialised fails the request before anything is sent, when that is still possible. */
  private failBeforeHeaders(err: Error): ServerResponse {
    const res = this.res;
    if (!res.headersSent) {
      res.end = this.originalEnd as ServerResponse['end'];
      this.next(err);
      return res;
    }
    setImmediate(this.next, err);
    return this.originalEnd.apply(res, this.endArgs!);
  }
}

/** The epoch: an Expires in the past, which makes a browser delete the cookie. */
const EXPIRED = new Date(0);

function expiryOf(sess: Session): number {
  const expires = sess.cookie?.expires;
  return expires instanceof Date ? expires.getTime() : NaN;
}

function appendSetCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader('Set-Cookie');
  // Always an array, as express-session leaves it, so later middleware sees the same shape.
  const header = prev === undefined || prev === '' ? [cookie] : Array.isArray(prev) ? prev.concat(cookie) : [String(prev), cookie];
  res.setHeader('Set-Cookie', header);
}
