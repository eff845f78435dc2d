import { endOfValue } from './json-value-end';

/**
 * A stored session's "data part": its JSON without the cookie, in the form
 * that follows the cookie. For `{"cookie":{…},"views":2}` it is `,"views":2}`,
 * and `}` for a session with no data. Change detection (request/) and the
 * merge on save (stores/) both compare sessions in this form, so it lives
 * below both.
 */

export const COOKIE_PREFIX = '{"cookie":';

/** The data part of a whole session's JSON, or undefined when the cookie is not its first key. */
export function dataPartOf(json: string): string | undefined {
  if (!json.startsWith(COOKIE_PREFIX)) return undefined;
  const end = endOfValue(json, COOKIE_PREFIX.length);
  return end < 0 ? undefined : json.slice(end);
}

/** The data part of any session-shaped object, by copying it without its cookie. */
export function dataPartOfObject(sess: object): string {
  const { cookie: _cookie, ...data } = sess as { cookie?: unknown };
  const json = JSON.stringify(data);
  return json === '{}' ? '}' : ',' + json.slice(1);
}
