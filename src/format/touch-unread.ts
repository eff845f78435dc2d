import { COOKIE_PREFIX, dataPartOf } from './data-part';

/**
 * A touch of a stored session that the request never read: the stored text
 * with its cookie's countdown restarted, as `req.session.touch()` followed by
 * the cookie's toJSON would write it, computed from the cookie's few bytes
 * alone. The session's data is neither parsed nor rebuilt.
 *
 * Only a cookie exactly as this package's Cookie writes it (the keys of
 * COOKIE_KEYS, in that order, with originalMaxAge, expires, httpOnly and
 * path present) is touched this way; anything else answers undefined and
 * the caller takes the full road (load, touch, stringify), so an odd cookie
 * is written exactly as the reference would write it.
 */

/** Cookie#toJSON's keys, in its order. */
const COOKIE_KEYS = ['originalMaxAge', 'partitioned', 'priority', 'expires', 'secure', 'httpOnly', 'domain', 'path', 'sameSite', 'createdAt'];
const REQUIRED = ['originalMaxAge', 'expires', 'httpOnly', 'path'];

export interface TouchedText {
  /** The whole session's text with the touched cookie. */
  readonly json: string;
  /** The new expiry in epoch ms, NaN for a browser-session cookie (the store's ttl applies). */
  readonly expiresAt: number;
}

/**
 * The default browser-session cookie as Cookie#toJSON writes it. Touching it
 * changes nothing (no countdown: expires stays null), so a stored text that
 * starts with it is its own touch, found without parsing.
 */
const DEFAULT_BROWSER_SESSION = COOKIE_PREFIX + '{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}';

export function touchUnreadSession(text: string, now: number): TouchedText | undefined {
  if (text.startsWith(DEFAULT_BROWSER_SESSION)) {
    const after = text.charCodeAt(DEFAULT_BROWSER_SESSION.length);
    if (after === 0x2c /* , */ || (after === 0x7d /* } */ && text.length === DEFAULT_BROWSER_SESSION.length + 1)) {
      return { json: text, expiresAt: NaN };
    }
  }
  const data = dataPartOf(text);
  if (data === undefined) return undefined;
  let cookie: unknown;
  try {
    cookie = JSON.parse(text.slice(COOKIE_PREFIX.length, text.length - data.length));
  } catch {
    return undefined;
  }
  if (cookie === null || typeof cookie !== 'object' || Array.isArray(cookie)) return undefined;
  const fields = cookie as Record<string, unknown>;
  const keys = Object.keys(fields);
  // Same keys in Cookie#toJSON's order: then re-serialising changes nothing but expires.
  let next = 0;
  for (const key of keys) {
    const at = COOKIE_KEYS.indexOf(key, next);
    if (at < 0) return undefined;
    next = at + 1;
  }
  for (const key of REQUIRED) if (!(key in fields)) return undefined;
  const maxAge = fields.originalMaxAge;
  if (maxAge !== null && typeof maxAge !== 'number') return undefined;
  const expiresAt = typeof maxAge === 'number' ? now + maxAge : NaN;
  // A countdown no Date can hold: the full road reports it as the reference would.
  if (typeof maxAge === 'number' && Number.isNaN(new Date(expiresAt).getTime())) return undefined;
  fields.expires = typeof maxAge === 'number' ? new Date(expiresAt).toISOString() : null;
  return { json: COOKIE_PREFIX + JSON.stringify(fields) + data, expiresAt };
}
