// Finds one cookie in a Cookie header with the parsing rules of cookie@0.7
// (the version express-session pins), learned by running its `parse`:
// pairs end at ';'; a segment without '=' is skipped; the key is the text up
// to the first '=' with spaces and tabs trimmed and is not decoded; the
// first pair with a given key wins, even when its value is empty or bad;
// the value is trimmed the same way and loses one pair of surrounding
// double quotes.

import { findByte } from './vector-bytes';

const TAB: u8 = 0x09;
const SPACE: u8 = 0x20;
const QUOTE: u8 = 0x22;
const SEMICOLON: u8 = 0x3b;
const EQUALS: u8 = 0x3d;

/** Start and end (exclusive) of the value found by the last findCookieValue. */
export let valueStart: usize = 0;
export let valueEnd: usize = 0;

@inline function isBlank(c: u8): bool {
  return c == SPACE || c == TAB;
}

function bytesEqual(a: usize, b: usize, n: usize): bool {
  for (let i: usize = 0; i < n; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
  }
  return true;
}

/**
 * Looks for the cookie `name` (`nameLen` bytes) in the `len`-byte header at
 * `header` (with 15 readable bytes after it, see vector-bytes.ts). On success sets valueStart/valueEnd (offsets into the header,
 * quotes and blanks removed, not yet percent-decoded) and returns true.
 *
 * The name must be one cookie@0.7 can produce as a key: not empty, no ';'
 * or '=', no space or tab at either end (src/cookie-codec/codec.ts sends other
 * names to the JavaScript path). Then a pair has that key exactly when its
 * first non-blank bytes are the name, followed by blanks and an '=': no
 * '=' can come earlier, so that '=' is the pair's first. Each pair costs a
 * look at its first bytes and the 16-byte search for the next ';'; the
 * '=' of pairs that do not start with the name is never searched for.
 */
export function findCookieValue(header: usize, len: usize, name: usize, nameLen: usize): bool {
  let pos: usize = 0;
  while (pos < len) {
    while (pos < len && isBlank(load<u8>(header + pos))) pos++;
    if (pos + nameLen < len && bytesEqual(header + pos, name, nameLen)) {
      let eq = pos + nameLen;
      while (eq < len && isBlank(load<u8>(header + eq))) eq++;
      if (eq < len && load<u8>(header + eq) == EQUALS) {
        const end = findByte(header, eq + 1, len, SEMICOLON);
        const pairEnd: usize = end < 0 ? len : <usize>end;
        let start = eq + 1;
        while (start < pairEnd && isBlank(load<u8>(header + start))) start++;
        let stop = pairEnd;
        while (stop > start && isBlank(load<u8>(header + stop - 1))) stop--;
        if (stop > start && load<u8>(header + start) == QUOTE && load<u8>(header + stop - 1) == QUOTE) {
          // A lone '"' is both the opening and the closing quote: the value is empty.
          start++;
          stop = stop > start ? stop - 1 : start;
        }
        valueStart = start;
        valueEnd = stop;
        return true;
      }
    }
    const next = findByte(header, pos, len, SEMICOLON);
    if (next < 0) return false;
    pos = <usize>next + 1;
  }
  return false;
}
