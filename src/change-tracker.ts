import type { Session } from './session';

/**
 * The session's data without its cookie, as JSON: what decides whether a
 * session was modified or already saved. The cookie is left out because
 * touching it (a new expiry) is not a modification.
 */
export function dataJSON(sess: object): string {
  const { cookie: _cookie, ...data } = sess as { cookie?: unknown };
  return JSON.stringify(data);
}

/**
 * The whole session as a store would serialise it, built from the data JSON
 * already computed for change detection so the session is stringified once.
 */
export function sessionJSON(sess: Session, data: string): string {
  const cookie = sess.cookie;
  if (cookie === undefined || cookie === null) return data;
  const head = '{"cookie":' + JSON.stringify(cookie);
  return data === '{}' ? head + '}' : head + ',' + data.slice(1);
}

/**
 * Remembers the session's data as loaded and as last saved, and answers the
 * middleware's questions about it. During the end of a response the current
 * data JSON is computed once and reused by every predicate.
 */
export class ChangeTracker {
  originalId: string | undefined;
  originalData: string | undefined;
  savedData: string | undefined;
  private frozen: { sess: Session; data: string } | undefined;

  /** Records a freshly generated session (never saved). */
  generated(sess: Session): void {
    this.originalId = sess.id;
    this.originalData = dataJSON(sess);
    this.savedData = undefined;
  }

  /**
   * Records a session loaded from the store; `alreadySaved` when resave is
   * off. The baseline is the stored data itself, not the Session built from
   * it: a stored key the Session cannot take (`id`, `save`, …) then counts as
   * a change, exactly as in express-session.
   */
  loaded(id: string, stored: object, alreadySaved: boolean): void {
    this.originalId = id;
    this.originalData = dataJSON(stored);
    if (alreadySaved) this.savedData = this.originalData;
  }

  /** Records an explicit save. */
  saved(sess: Session): void {
    this.savedData = this.current(sess);
  }

  /** The current data JSON, computed at most once between freeze() and thaw(). */
  current(sess: Session): string {
    const frozen = this.frozen;
    if (frozen !== undefined && frozen.sess === sess) return frozen.data;
    return dataJSON(sess);
  }

  /** From now until thaw(), the session is taken as unchanging. */
  freeze(sess: Session): string {
    const data = dataJSON(sess);
    this.frozen = { sess, data };
    return data;
  }

  thaw(): void {
    this.frozen = undefined;
  }

  isModified(sess: Session): boolean {
    return this.originalId !== sess.id || this.originalData !== this.current(sess);
  }

  isSaved(sess: Session): boolean {
    return this.originalId === sess.id && this.savedData === this.current(sess);
  }
}
