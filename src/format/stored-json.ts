import { corruptStoredEntry, sessionTooDeep, storeSerializeEmpty, storeSerializeFailed, type SessionError } from '../errors';
import type { StoredSession } from '../types';

/**
 * The one home of the rules for stored-session text, shared by the
 * middleware and every store of this package: what a stored session must
 * look like to be served, how session data becomes that text, and which IDs
 * can be keys. Every store and the middleware report a broken entry with the
 * same error (ERR_SESSION_CORRUPT) for the same reasons.
 */

/**
 * How deeply stored session data may nest. JSON.parse reads any depth, but
 * JSON.stringify runs out of stack a few thousand levels down, which would
 * fail the request at the end of the response, after the app has run. Text
 * nested deeper than this is refused when written and taken as corrupt when
 * read; no real session comes near it.
 */
export const MAX_SESSION_DEPTH = 1000;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether JSON text nests deeper than MAX_SESSION_DEPTH; text too short to nest that deep is not scanned. */
export function nestsTooDeep(text: string): boolean {
  if (text.length <= 2 * MAX_SESSION_DEPTH) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_SESSION_DEPTH) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Stored text → the session it holds, or ERR_SESSION_CORRUPT naming what is
 * wrong: not a JSON object, not JSON, nested too deep, or not shaped as a
 * session (checkStoredSession).
 */
export function parseStoredSession(sid: string, text: string): StoredSession {
  const last = text.length - 1;
  if (last < 1 || text.charCodeAt(0) !== OPEN_BRACE || text.charCodeAt(last) !== CLOSE_BRACE) {
    throw corruptStoredEntry(sid, 'value is not a JSON object');
  }
  if (nestsTooDeep(text)) throw corruptStoredEntry(sid, `value nests deeper than ${MAX_SESSION_DEPTH} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw corruptStoredEntry(sid, `value is not valid JSON (${(err as Error).message})`, err);
  }
  return checkStoredSession(sid, value);
}

/**
 * The shape every store's answer must have before it becomes `req.session`:
 * an object whose `cookie` is an object, with an `originalMaxAge` that is a
 * number or absent. Anything else would throw later, while the session is
 * rebuilt or touched at the end of the response (a TypeError for `cookie:
 * null`, "maxAge must be a number" for `originalMaxAge: 'abc'`).
 */
export function checkStoredSession(sid: string, value: unknown): StoredSession {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw corruptStoredEntry(sid, 'value is not an object');
  }
  const cookie = (value as { cookie?: unknown }).cookie;
  if (cookie === null || typeof cookie !== 'object') throw corruptStoredEntry(sid, 'cookie is not an object');
  const originalMaxAge = (cookie as { originalMaxAge?: unknown }).originalMaxAge;
  if (originalMaxAge != null && typeof originalMaxAge !== 'number') {
    throw corruptStoredEntry(sid, 'cookie.originalMaxAge is not a number');
  }
  return value as StoredSession;
}

/** Whether an error is a store's verdict that one entry is damaged (as opposed to the store failing). */
export function isCorruptEntry(err: unknown): err is SessionError {
  return (err as { code?: unknown } | null)?.code === 'ERR_SESSION_CORRUPT';
}

/** Session data → the text a store keeps; ERR_SESSION_SERIALIZE when JSON cannot represent it or it nests too deep. */
export function stringifySession(session: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(session);
  } catch (cause) {
    throw storeSerializeFailed(cause);
  }
  if (json === undefined) throw storeSerializeEmpty(session);
  return checkSessionText(json);
}

/** Text handed to a store's write as it is (the middleware's own stringify): refused if no later read could serve it. */
export function checkSessionText(json: string): string {
  if (nestsTooDeep(json)) throw sessionTooDeep(MAX_SESSION_DEPTH);
  return json;
}

/**
 * Whether a session ID fits a store's key limit of `maxBytes` UTF-8 bytes.
 * Only IDs long enough to come near the limit are measured. An ID that does
 * not fit is "not found" when read and refused when written.
 */
export function sidFitsKey(sid: string, maxBytes: number): boolean {
  return sid.length * 3 <= maxBytes || Buffer.byteLength(sid) <= maxBytes;
}
