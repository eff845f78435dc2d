import type { StoredSession } from '../types';

/**
 * The maxLifetime option's rule: a session lives at most that long from its
 * creation, however active it is. The creation time (epoch milliseconds)
 * travels with the session as `cookie.createdAt`, so it is stored by every
 * store that stores the cookie, and read back by every process. It sits in
 * the cookie rather than in the data so that it is not a data key the app
 * sees in `Object.keys(req.session)`, and change detection (which compares
 * the data without the cookie) never counts it as a modification. It never
 * goes into Set-Cookie.
 *
 * express-session's Cookie drops unknown keys when it saves, so a session
 * last saved by an express-session process (a rolling deploy) comes back
 * without it: its lifetime then restarts at that load, never an error.
 */

/** Gives a new session's cookie its creation time. */
export function stampCreation(cookie: { createdAt?: number }, now: number): void {
  cookie.createdAt = now;
}

/**
 * Whether the stored session was created `maxLifetime` ms or longer before
 * `now`. A session without a usable stamp (stored before the option was on,
 * or saved by express-session) is stamped `now`: its lifetime starts here,
 * and the stamp is stored with its next save or touch.
 */
export function hasOutlived(stored: StoredSession, maxLifetime: number, now: number): boolean {
  // A session without a cookie object is not ours to judge: loading it reports it as it would without the option.
  if (typeof stored.cookie !== 'object' || stored.cookie === null) return false;
  const created = stored.cookie.createdAt;
  if (typeof created !== 'number' || !Number.isFinite(created)) {
    stampCreation(stored.cookie, now);
    return false;
  }
  return now - created >= maxLifetime;
}
