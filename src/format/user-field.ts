/**
 * Reads one top-level field of a session's JSON text without parsing it: the
 * user a session belongs to, for the per-user index. A save pays one native
 * `indexOf` when the field is absent, and a scan of the text before it when
 * present (the field usually sits right after the cookie).
 *
 * Users are compared by the JSON text of their value, so `42` and `"42"` are
 * different users, and `null` (or an absent field) is no user.
 */
import { invalidOption } from '../errors';
import { endOfValue } from './json-value-end';

/** The needle a store searches for: the key as JSON.stringify writes it, with its colon. */
export function userNeedle(userKey: string): string {
  return JSON.stringify(userKey) + ':';
}

/** The JSON text of the user `user` as the index keys it; undefined for no user. */
export function userText(user: unknown): string | undefined {
  if (user === undefined || user === null) return undefined;
  const text = JSON.stringify(user);
  return text === undefined || text === 'null' ? undefined : text;
}

/** The JSON text of the top-level field named by `needle` in `json`, or undefined when it is absent or null. */
export function topLevelField(json: string, needle: string): string | undefined {
  for (let from = 1; ; ) {
    const at = json.indexOf(needle, from);
    if (at < 0) return undefined;
    if (isTopLevelKey(json, at)) {
      const start = at + needle.length;
      const end = endOfValue(json, start);
      if (end < 0) return undefined;
      const text = json.slice(start, end);
      return text === 'null' ? undefined : text;
    }
    from = at + 1;
  }
}

/**
 * Whether a save keeps the user its merge base had: `mine` is the whole
 * session text, `baseData` the data part (after the cookie) the request
 * loaded. True only when proven: both have the same top-level user, or
 * neither holds the key at all; false means "not shown", and the caller does
 * the full index update. Costs a native indexOf per text, a native match of
 * mine's cookie (a flat object, as every Cookie is) and a scan of the data
 * before the field, which usually sits right after the cookie.
 */
export function keepsBaseUser(baseData: string, mine: string, needle: string): boolean {
  const inBase = baseData.indexOf(needle);
  if (inBase < 0) return mine.indexOf(needle) < 0;
  const dataStart = flatCookieEnd(mine);
  if (dataStart < 0) return false;
  const inMine = mine.indexOf(needle, dataStart);
  // The first occurrence in each must be the top-level key; anything else is left to the full update.
  if (inMine < 0 || !isTopLevelKey(baseData, inBase, 0) || !isTopLevelKey(mine, inMine, dataStart)) return false;
  const baseValue = inBase + needle.length;
  const length = endOfValue(baseData, baseValue) - baseValue;
  const mineValue = inMine + needle.length;
  if (length < 0 || endOfValue(mine, mineValue) - mineValue !== length) return false;
  // Values are short: a char loop beats slicing one to compare.
  for (let k = 0; k < length; k++) if (baseData.charCodeAt(baseValue + k) !== mine.charCodeAt(mineValue + k)) return false;
  return true;
}

/**
 * `{"cookie":` then a flat object whose strings hold no escapes, matched
 * natively. In JSON text such a match ends exactly where the cookie does,
 * since its strings can only pair up as they do in the text.
 */
const FLAT_COOKIE = /\{"cookie":\{(?:"[^"\\]*":(?:"[^"\\]*"|[^"\\,:{}[\]]*),?)*\}/y;

/** Index just past the cookie of `json` when it is a flat object, else -1 (nested values or escapes: not shown cheaply). */
function flatCookieEnd(json: string): number {
  FLAT_COOKIE.lastIndex = 0;
  return FLAT_COOKIE.test(json) ? FLAT_COOKIE.lastIndex : -1;
}

/**
 * Whether the key starting at `at` is a member of the outermost object (not
 * nested, not inside a string); `from` is a position between members of it
 * (1, just inside the opening brace, or the end of the cookie).
 */
function isTopLevelKey(json: string, at: number, from = 1): boolean {
  let depth = 0;
  for (let i = from; i < at; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = closingQuote(json, i);
      if (i < 0 || i >= at) return false; // `at` is inside a string
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  const before = json.charCodeAt(at - 1);
  return depth === 0 && (before === 0x2c /* , */ || before === 0x7b /* { */);
}

/** Index of the quote closing the string that opens at `open`, or -1; strings are skipped natively, not char by char. */
function closingQuote(json: string, open: number): number {
  for (let i = json.indexOf('"', open + 1); i >= 0; i = json.indexOf('"', i + 1)) {
    let backslashes = 0;
    while (json.charCodeAt(i - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}


/** userKey names a top-level data field: a non-empty string other than the cookie. Checked by every store's options. */
export function checkUserKey(userKey: unknown): asserts userKey is string | undefined {
  if (userKey !== undefined && !(typeof userKey === 'string' && userKey.length > 0 && userKey !== 'cookie')) {
    throw invalidOption('options.userKey must be a non-empty string naming a session field other than "cookie"');
  }
}
