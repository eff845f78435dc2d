import type { ServerResponse } from 'node:http';
import { ChangeTracker } from './change-tracker';
import { debug } from '../debug';
import { serializeFailed } from '../errors';
import { isSecure } from './is-secure';
import type { NextFunction, SessionContext } from '../context';
import { Session, type SessionRequest } from '../session/session';
import type { SessionIdCodec } from '../cookie-codec/codec';
import type { StoreOperation } from '../session/store-call';
import { commitFast, commitWithCallback, type FastOperation } from './write-path';
import { cookieExpiry } from '../format/expiry';
import { endWhileHeld, heldViewReaches, hold, holdOnPrototype, release, releaseOnPrototype, type HeldView } from './held-response';
import type { FastStoreAccess } from '../stores/fast-store';
import { shouldDestroy, shouldSave, shouldSetCookie, shouldTouch, type RuleInput } from './rules';
import { prototypeHooksReach, wrapResponse, type ResponseHookTarget } from './response-hooks';
import { defineDeferredSession, defineOwn, hasOwnSession, type SessionAccessTarget } from './request-accessors';
import { adoptLoaded } from './load-session';
import { touchUnreadSession } from '../format/touch-unread';
import { appendSetCookie, EXPIRED } from './set-cookie-header';
import { stripBodyHeaders } from './failure-policy';

type EndArgs = Parameters<ServerResponse['end']>;
type OriginalEnd = (...args: EndArgs) => ServerResponse;
type Done = (err?: unknown) => void;

/**
 * Where a request stands once the app ended it: its bytes still held
 * (waiting for the store), handed to Node (sent), or given to the app's error
 * handler because the store refused what the request changed (failed).
 */
const OPEN = 0;
const HELD = 1;
const SENT = 2;
const FAILED = 3;
type Phase = typeof OPEN | typeof HELD | typeof SENT | typeof FAILED;

/**
 * One request's session state, from the middleware to the last byte: the one
 * object a request gets, in one symbol property of `req` (session/tracker-link.ts).
 * It is the change tracker the request's Session reports to, the storage
 * behind the `req.session`/`req.sessionID`/`req.sessionStore` accessors
 * (request-accessors.ts), the target of the response hooks
 * (response-hooks.ts), and it runs the end of the response: the rules
 * (rules.ts), the store write, the held final chunk, the failure policy.
 */
export class RequestSession extends ChangeTracker implements RuleInput, ResponseHookTarget, SessionAccessTarget {
  /** `req.sessionID` and `req.sessionStore` as the accessors keep them. */
  private id: unknown;
  sessionStore: unknown;
  readonly viaPrototype: boolean;
  headersSeen = false;
  /**
   * The side door of our store when the session is loaded on first use of
   * `req.session` (or `req.sessionID`) rather than before the app runs;
   * undefined once loaded, or when it is loaded eagerly.
   */
  private pendingLoad: FastStoreAccess | undefined = undefined;
  /** Whether `req.session` is (or was, until the app deleted it) the own accessor of a deferred load. */
  private deferred = false;
  /** What the own accessor of a deferred load holds: the session once loaded, or what the app assigned. */
  private deferredValue: unknown = undefined;
  private touched = false;
  /** The request ended without reading its session, which was touched from its stored text (touchUnread). */
  private unreadAtEnd = false;
  private phase: Phase = OPEN;
  private endArgs: EndArgs | undefined = undefined;
  /** Set while the app is shown an ended response (held-response.ts). */
  private view: HeldView | undefined = undefined;
  /**
   * The Set-Cookie header decided when the app ended the response (null: none),
   * for our own stores only: computing it before the store write lets a cookie
   * that cannot be serialised fail the request before anything is written or
   * sent. Undefined: decide as the headers go out.
   */
  private setCookie: string | null | undefined = undefined;
  private readonly originalEnd: OriginalEnd;
  /** The debug line and failure policy of the store write in progress (what `written` needs when the store answers). */
  private writeDoneMessage: string | undefined = undefined;
  private writeLoud = false;

  constructor(
    /** The middleware's setup; the rules read its options from here. */
    readonly options: SessionContext,
    readonly req: SessionRequest,
    readonly res: ServerResponse,
    private readonly next: NextFunction,
    /** The ID the request's cookie carried, if it verified. */
    readonly cookieId: string | undefined,
    private readonly codec: SessionIdCodec,
    /** Whether `req` inherits the accessors; without them the three names are own properties, as in express-session. */
    accessors: boolean,
  ) {
    super();
    this.storeTimeout = options.storeTimeout;
    this.id = cookieId;
    this.sessionStore = options.store;
    const hooks = options.responseHooks;
    this.viaPrototype = prototypeHooksReach(res, hooks);
    this.originalEnd = (this.viaPrototype ? hooks.originalEnd : wrapResponse(res, this)) as OriginalEnd;
    if (!accessors) {
      req.sessionStore = options.store;
      req.sessionID = cookieId as string;
    }
  }

  // What the accessors on IncomingMessage.prototype read and write.

  get sessionID(): unknown {
    if (this.pendingLoad !== undefined) this.loadPending();
    return this.id;
  }

  set sessionID(value: unknown) {
    this.id = value;
  }

  /**
   * `req.session` through the prototype: the request has no own `session`.
   * Under a deferred load that means the app deleted it, and, as with
   * express-session's deleted property, there is no session any more.
   */
  readSession(): unknown {
    if (this.deferred) this.pendingLoad = undefined;
    return undefined;
  }

  writeSession(value: unknown): void {
    if (this.deferred) this.pendingLoad = undefined;
    defineOwn(this.req, 'session', value);
  }

  /** First read of the deferred `req.session`: the session is loaded now. */
  readDeferred(): unknown {
    if (this.pendingLoad !== undefined) this.loadPending();
    return this.deferredValue;
  }

  /** The app assigns `req.session` before reading it: the stored one is loaded first, as it would have been before the app ran. */
  writeDeferred(value: unknown): void {
    if (this.pendingLoad !== undefined) this.loadPending();
    this.deferredValue = value;
  }

  /**
   * Defers loading to the first use of the session (our own store, nothing
   * the app could observe about the read). `req.session` becomes an own
   * accessor, so a `delete req.session` before any read is seen.
   */
  deferLoad(fast: FastStoreAccess): void {
    this.pendingLoad = fast;
    this.deferred = true;
    defineDeferredSession(this.req);
  }

  private loadPending(): void {
    const fast = this.pendingLoad!;
    this.pendingLoad = undefined;
    const loaded = fast.readSession(this.cookieId!);
    // Sets req.session through the own accessor (writeDeferred).
    adoptLoaded(this.options, this.req, this, loaded?.session, loaded?.text);
  }

  private touchOnce(sess: Session): void {
    if (!this.touched) {
      sess.touch();
      this.touched = true;
    }
  }

  /** The Set-Cookie header the rules want now, or null. Throws what cookie serialisation throws. */
  private cookieHeader(): string | null {
    const sess = this.req.session;
    if (!sess) {
      debug('no session');
      return null;
    }
    let setCookie: boolean;
    try {
      setCookie = shouldSetCookie(this, sess);
    } catch (err) {
      // Unserialisable session data: no cookie; end() reports the error (ERR_SESSION_SERIALIZE).
      debug('session data cannot be serialised: %s', (err as Error)?.message);
      return null;
    }
    if (!setCookie) return null;
    if (sess.cookie.secure && !isSecure(this.req, this.options.proxy)) {
      debug('not secured');
      return null;
    }
    this.touchOnce(sess);
    const header = this.options.setCookie.serialize(this.options.name, this.codec.sign(this.req.sessionID), sess.cookie.data, this.codec);
    debug('set-cookie %s', header);
    return header;
  }

  /** As the headers go out: add Set-Cookie when the rules want it (or as decided at end). */
  beforeHeaders(): void {
    if (this.phase === FAILED) return;
    let header = this.setCookie;
    if (header === undefined) {
      try {
        header = this.cookieHeader();
      } catch (err) {
        // Inside writeHead nothing can stop the headers any more: they go without the cookie, the error after.
        setImmediate(this.next, err);
        return;
      }
    }
    if (header !== null) appendSetCookie(this.res, header);
    else if (this.options.clearCookieOnDestroy && !this.unreadAtEnd && !this.req.session) this.clearCookieIfDestroyed();
  }

  /**
   * The app ended the response: write to the store if the rules want it, then send the held chunk.
   * Whether the side door may be used is asked again here rather than taken
   * from the request's start: express-session calls whatever `store.set`
   * (touch, destroy) is at the moment it writes, so a wrapper the app
   * installs during the request sees this request's write as it would there.
   */
  end(args: EndArgs): ServerResponse {
    const res = this.res;
    if (this.phase === HELD) return endWhileHeld(res, args);
    if (this.phase !== OPEN) return this.originalEnd.apply(res, args);
    this.phase = HELD;
    this.endArgs = args;
    try {
      return this.endOnce(args);
    } catch (err) {
      // Whatever throws in this work (a stored cookie that cannot be touched, …), exactly one response still goes out.
      this.failAtEnd(err);
      return res;
    }
  }

  /**
   * clearCookieOnDestroy: the session was destroyed, so the browser is told
   * to drop its cookie (same name, path, domain and flags, Expires in 1970),
   * rather than keep sending an ID the store no longer knows.
   */
  private clearCookieIfDestroyed(): void {
    const cookie = this.destroyedCookie ?? (shouldDestroy(this) ? this.tracked?.cookie : undefined);
    if (cookie === undefined) return;
    if (cookie.secure && !isSecure(this.req, this.options.proxy)) {
      debug('not secured');
      return;
    }
    try {
      const header = this.options.setCookie.serialize(this.options.name, '', { ...cookie.data, expires: EXPIRED });
      debug('set-cookie %s', header);
      appendSetCookie(this.res, header);
    } catch (err) {
      setImmediate(this.next, err);
    }
  }

  /**
   * The end of a request that never read its session (deferred load): the
   * store entry is touched exactly as express-session would touch it (the
   * session is unmodified, so there is no save and no Set-Cookie), from the
   * stored text, without parsing the data or building a Session. False when
   * the full road must decide instead.
   */
  private touchUnread(fast: FastStoreAccess, loud: boolean): boolean {
    const sid = this.cookieId!;
    const text = fast.readJSON(sid);
    if (text === undefined) return false;
    const touched = touchUnreadSession(text, Date.now());
    if (touched === undefined) return false;
    this.pendingLoad = undefined;
    this.unreadAtEnd = true;
    this.setCookie = null;
    debug('touching');
    this.afterFastWrite(fast, 'touch', sid, touched.json, touched.expiresAt, 'touched', loud);
    return true;
  }

  private endOnce(args: EndArgs): ServerResponse {
    const ctx = this.options;
    const req = this.req;
    const res = this.res;
    // Decided at the write, as express-session calls whatever store methods exist at that moment.
    const fast = ctx.fastPath?.current();
    // Our own store, nothing sent yet: a write it refuses fails the request before any byte goes out.
    const loud = fast !== undefined && !res.headersSent;

    if (this.pendingLoad !== undefined && !hasOwnSession(req)) {
      // The app deleted req.session without reading it: no session, as in express-session.
      this.pendingLoad = undefined;
    }
    if (this.pendingLoad !== undefined) {
      if (fast !== undefined && this.touchUnread(fast, loud)) return res;
      // The full road: a session not found, a cookie written by other code, or a store wrapped meanwhile.
      this.loadPending();
    }

    if (shouldDestroy(this)) {
      debug('destroying');
      const sid = req.sessionID;
      if (fast) this.afterFastWrite(fast, 'destroy', sid, '', NaN, 'destroyed', loud);
      else this.afterCallbackWrite('destroy', (cb) => ctx.store.destroy(sid, cb), 'destroyed');
      return res;
    }

    const sess = req.session;
    if (!sess) {
      debug('no session');
      this.phase = SENT;
      return this.originalEnd.apply(res, args);
    }

    this.touchOnce(sess);
    const tracker = this;
    try {
      tracker.freeze(sess);
    } catch (err) {
      this.failAtEnd(serializeFailed(err));
      return res;
    }
    if (loud) this.setCookie = this.cookieHeader();

    if (shouldSave(this, sess)) {
      if (fast !== undefined && sess.save === Session.prototype.save) {
        debug('saving %s', sess.id);
        const base = tracker.writing(sess);
        tracker.savedData = tracker.current(sess);
        this.afterFastWrite(fast, 'writeJSON', req.sessionID, tracker.json, cookieExpiry(sess), undefined, loud, base);
      } else {
        this.afterCallbackWrite('set', (cb) => sess.save(cb), undefined);
      }
      return res;
    }

    if (ctx.storeImplementsTouch && shouldTouch(this, sess)) {
      debug('touching');
      if (fast) this.afterFastWrite(fast, 'touch', req.sessionID, tracker.json, cookieExpiry(sess), 'touched', loud);
      else this.afterCallbackWrite('touch', (cb) => ctx.store.touch!(req.sessionID, sess, cb), 'touched');
      return res;
    }

    this.phase = SENT;
    const ret = this.originalEnd.apply(res, args);
    tracker.thaw();
    return ret;
  }

  /**
   * After the store answered. With our store and nothing sent, an error fails
   * the request (failBeforeHeaders). Otherwise, as express-session does, the
   * error is reported once the response is on its way and the held chunk is
   * sent. The frozen session JSON stays valid until then, so the Set-Cookie
   * decision reuses it.
   */
  private finish(err: unknown, doneMessage: string | undefined, loud: boolean): void {
    if (err && loud) {
      this.failBeforeHeaders(err);
      return;
    }
    if (err) setImmediate(this.next, err);
    else if (doneMessage !== undefined) debug(doneMessage);
    this.sendHeld();
  }

  /** Sends the held chunk. Called from a store's answer, so a throw cannot reach the app: it becomes next(err). */
  private sendHeld(): void {
    const res = this.res;
    this.showEnded(false);
    this.phase = SENT;
    try {
      this.originalEnd.apply(res, this.endArgs!);
    } catch (err) {
      if (!res.headersSent) {
        this.phase = FAILED;
        stripBodyHeaders(res);
      }
      setImmediate(this.next, err);
    } finally {
      this.thaw();
    }
  }

  /** One of our stores' writes (write-path.ts); the response is held while it waits. */
  private afterFastWrite(
    fast: FastStoreAccess,
    operation: FastOperation,
    sid: string,
    json: string,
    expiresAt: number,
    doneMessage: string | undefined,
    loud: boolean,
    baseData?: string,
  ): void {
    this.writeDoneMessage = doneMessage;
    this.writeLoud = loud;
    if (!commitFast(this, fast, operation, sid, json, expiresAt, baseData)) this.showEnded(true);
  }

  /**
   * A store write through the callback API (write-path.ts). A failure is
   * reported after the response, as express-session does: the store may be
   * wrapped or foreign, and its error is the app's to judge.
   */
  private afterCallbackWrite(operation: StoreOperation, write: (cb: Done) => void, doneMessage: string | undefined): void {
    this.writeDoneMessage = doneMessage;
    this.writeLoud = false;
    if (!commitWithCallback(this, operation, write)) this.showEnded(true);
  }

  /** The store answered the end-of-response write (write-path.ts tells this once). */
  written(err: unknown): void {
    this.finish(err, this.writeDoneMessage, this.writeLoud);
  }

  /**
   * A throw in the end-of-response work. Before the headers, the request
   * fails as a refused write does; once they are out (the app streamed, or
   * the held chunk was being sent), it is reported after the response.
   */
  private failAtEnd(err: unknown): void {
    if (this.phase === SENT || this.phase === FAILED) {
      setImmediate(this.next, err);
      return;
    }
    this.showEnded(false);
    if (!this.res.headersSent) {
      this.failBeforeHeaders(err);
      return;
    }
    setImmediate(this.next, err);
    this.sendHeld();
  }

  /**
   * Fails the request before anything was sent: no Set-Cookie, none of the
   * held body, and `next(err)` so the app's error handler answers (500 by
   * default). Until then, on the next turn, the app still sees its response
   * as ended.
   */
  private failBeforeHeaders(err: unknown): void {
    this.showEnded(true);
    this.thaw();
    setImmediate(() => {
      this.showEnded(false);
      this.phase = FAILED;
      stripBodyHeaders(this.res);
      this.next(err);
    });
  }

  /** Shows the app an ended response while its bytes are held (true), or lifts that view (false). */
  private showEnded(on: boolean): void {
    if (on) {
      if (this.view !== undefined) return;
      // Through the prototype where nothing shadows its wrappers; own properties only on responses other code wrapped.
      if (this.viaPrototype && heldViewReaches(this.res)) {
        holdOnPrototype(this.res);
        this.view = HELD_ON_PROTOTYPE;
      } else {
        this.view = hold(this.res);
      }
    } else if (this.view !== undefined) {
      if (this.view === HELD_ON_PROTOTYPE) releaseOnPrototype(this.res);
      else release(this.res, this.view);
      this.view = undefined;
    }
  }
}

/** The view of a response held through the prototype's wrappers, which has nothing to restore. */
const HELD_ON_PROTOTYPE: HeldView = { saved: [] };
