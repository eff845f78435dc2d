// Finds one cookie in a Cookie header with the parsing rules of cookie@0.7
// (the version express-session pins), learned by running its `parse`:
// pairs end at ';'; a segment without '=' is skipped; the key is the text up
// to the first '=' with spaces and tabs trimmed and is not decoded; the
// first pair with a given key wins; the value is trimmed the same way and
// loses one pair of surrounding double quotes.

import { findByte, findLastByte } from './vector-bytes';

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

function keyEquals(header: usize, start: usize, end: usize, name: usize, nameLen: usize): bool {
  if (end - start != nameLen) return false;
  for (let i: usize = 0; i < nameLen; i++) {
    if (load<u8>(header + start + i) != load<u8>(name + i)) return false;
  }
  return true;
}

/**
 * Looks for the cookie `name` (`nameLen` bytes) in the `len`-byte header at
 * `header` (with 15 readable bytes after it, see vector-bytes.ts). On success sets valueStart/valueEnd (offsets into the header,
 * quotes and blanks removed, not yet percent-decoded) and returns true.
 */
export function findCookieValue(header: usize, len: usize, name: usize, nameLen: usize): bool {
  let pos: usize = 0;
  while (pos < len) {
    const eq = findByte(header, pos, len, EQUALS);
    if (eq < 0) return false;
    // A ';' before the '=' closes segments that have no value: resume after the last one.
    const lastEmpty = findLastByte(header, pos, <usize>eq, SEMICOLON);
    if (lastEmpty >= 0) {
      pos = <usize>lastEmpty + 1;
      continue;
    }
    const end = findByte(header, <usize>eq + 1, len, SEMICOLON);
    const pairEnd: usize = end < 0 ? len : <usize>end;

    let keyStart = pos;
    while (keyStart < <usize>eq && isBlank(load<u8>(header + keyStart))) keyStart++;
    let keyEnd = <usize>eq;
    while (keyEnd > keyStart && isBlank(load<u8>(header + keyEnd - 1))) keyEnd--;

    if (keyEquals(header, keyStart, keyEnd, name, nameLen)) {
      let start = <usize>eq + 1;
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
    pos = pairEnd + 1;
  }
  return false;
}
