import type { Cookie } from '../session/cookie';
import type { Session } from '../session/session';
import type { TrackerLink } from '../session/tracker-link';
import { dataPartOf, dataPartOfObject } from '../format/data-part';

/**
 * Change detection compares the session's data without its cookie (touching
 * the cookie is not a modification) as JSON text. That text is taken in its
 * "after the cookie" form: for `{"cookie":{…},"views":2}` it is
 * `,"views":2}`, and `}` for a session with no data. In that form it comes
 * for free from JSON that exists anyway: the text our stores hand back at
 * load, and the one stringify of the whole session at the end of the
 * response, which is also what the store is given. Only a session whose
 * cookie is not its first key takes the slower road through a copy.
 */

/** Whether a session has no own enumerable key but its cookie: a fresh one's data part is then `}`. */
function hasOnlyCookie(sess: object): boolean {
  for (const key in sess) if (key !== 'cookie' && Object.prototype.hasOwnProperty.call(sess, key)) return false;
  return true;
}

/**
 * Remembers the session's data as loaded and as last saved, and answers the
 * middleware's questions about it. Between freeze() and thaw() (the end of a
 * response) the whole session's JSON is computed once and reused by every
 * predicate, by the Set-Cookie decision and by the store write.
 */
export class ChangeTracker implements TrackerLink {
  originalId: string | undefined = undefined;
  originalData: string | undefined = undefined;
  savedData: string | undefined = undefined;
  /** The session whose explicit save() is remembered: the one loaded or generated for this request. */
  tracked: Session | undefined = undefined;
  /** The storeTimeout option, so that req.session's own store calls are bounded as the middleware's are. */
  storeTimeout = 0;
  /**
   * The data as this request last loaded or saved it: the base our stores
   * merge against on save (stores/merge.ts). Undefined for a session this
   * request generated, whose writes are plain upserts.
   */
  private storeBase: string | undefined = undefined;
  /** The base of the explicit save() in progress, taken by the store's set(). */
  private saveBase: string | undefined = undefined;
  /** The cookie of a session req.session.destroy() removed in this request (clearCookieOnDestroy expires it). */
  destroyedCookie: Cookie | undefined = undefined;
  private frozenSession: Session | undefined = undefined;
  private frozenJSON = '';
  private frozenData = '';

  /** Records a freshly generated session (never saved). */
  generated(sess: Session): void {
    this.originalId = sess.id;
    this.originalData = hasOnlyCookie(sess) ? '}' : dataPartOfObject(sess);
    this.savedData = undefined;
    this.tracked = sess;
    this.storeBase = undefined;
  }

  /**
   * Records a session loaded from the store; `alreadySaved` when resave is
   * off. The baseline is the stored data itself, not the Session built from
   * it: a stored key the Session cannot take (`id`, `save`, …) then counts as
   * a change, exactly as in express-session. `storedJSON` is the store's text
   * when it gave one (our stores), which saves a stringify.
   */
  loaded(id: string, sess: Session, stored: object, storedJSON: string | undefined, alreadySaved: boolean): void {
    this.originalId = id;
    this.originalData = (storedJSON !== undefined ? dataPartOf(storedJSON) : undefined) ?? dataPartOfObject(stored);
    if (alreadySaved) this.savedData = this.originalData;
    this.tracked = sess;
    this.storeBase = this.originalData;
  }

  /** Records an explicit save of the tracked session (express-session wraps save for this). */
  saved(sess: Session): void {
    if (sess !== this.tracked) return;
    this.saveBase = this.writing(sess);
    this.savedData = this.current(sess);
  }

  /**
   * The base for a write of `sess` starting now, which becomes the base of the
   * next one; undefined (a plain write) unless `sess` is the session loaded
   * for this request, under the ID it was loaded with.
   */
  writing(sess: Session): string | undefined {
    const base = this.storeBase;
    if (base === undefined || sess !== this.tracked || sess.id !== this.originalId) return undefined;
    this.storeBase = this.current(sess);
    return base;
  }

  /** The base of the explicit save() of `sess` now reaching the store, once. */
  takeSaveBase(sess: object): string | undefined {
    const base = this.saveBase;
    this.saveBase = undefined;
    return sess === this.tracked ? base : undefined;
  }

  /** The current data part, computed at most once between freeze() and thaw(). */
  current(sess: Session): string {
    if (sess === this.frozenSession) return this.frozenData;
    return dataPartOf(JSON.stringify(sess)) ?? dataPartOfObject(sess);
  }

  /** From now until thaw(), the session is taken as unchanging. Throws what JSON.stringify throws. */
  freeze(sess: Session): void {
    const json = JSON.stringify(sess);
    this.frozenData = dataPartOf(json) ?? dataPartOfObject(sess);
    this.frozenJSON = json;
    this.frozenSession = sess;
  }

  /** The whole session's JSON as frozen: what our stores are given. */
  get json(): string {
    return this.frozenJSON;
  }

  thaw(): void {
    this.frozenSession = undefined;
    this.frozenJSON = '';
    this.frozenData = '';
  }

  isModified(sess: Session): boolean {
    return this.originalId !== sess.id || this.originalData !== this.current(sess);
  }

  isSaved(sess: Session): boolean {
    return this.originalId === sess.id && this.savedData === this.current(sess);
  }
}
