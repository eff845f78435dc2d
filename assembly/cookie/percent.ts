// Percent-decoding of a cookie value as cookie@0.7 does it with
// decodeURIComponent: values without '%' are left alone, every %XX is
// decoded (reserved characters too), and when any escape is malformed the
// whole value stays raw. Escapes of bytes >= 0x80 would need UTF-8
// validation; the kernel leaves those values to the JavaScript path.

/** The value contains no '%': use it as it is. */
export const DECODE_NONE: i32 = -1;
/** An escape is malformed, so the reference keeps the whole value raw. */
export const DECODE_KEEP_RAW: i32 = -2;
/** An escape encodes a non-ASCII byte: decode in JavaScript instead. */
export const DECODE_NON_ASCII: i32 = -3;

import { copyBytes16, findByte } from './vector-bytes';

const PERCENT: u8 = 0x25;

@inline function hexValue(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const lower = c | 0x20;
  if (lower - 0x61 < 6) return <i32>(lower - 0x61 + 10);
  return -1;
}

/**
 * Decodes `len` bytes at `src` into `dst`. Returns the decoded length, or
 * one of the DECODE_* codes (in which case `dst` is not meaningful). Both
 * buffers need 15 spare bytes past `len` (see vector-bytes.ts): runs between
 * escapes are found and copied sixteen bytes at a time.
 */
export function percentDecode(src: usize, len: usize, dst: usize): i32 {
  let i = findByte(src, 0, len, PERCENT);
  if (i < 0) return DECODE_NONE;
  copyBytes16(dst, src, <usize>i);
  let o = dst + <usize>i;
  let nonAscii = false;
  while (<usize>i < len) {
    // src[i] is a '%'.
    if (<usize>i + 2 >= len) return DECODE_KEEP_RAW;
    const hi = hexValue(<u32>load<u8>(src + <usize>i + 1));
    const lo = hexValue(<u32>load<u8>(src + <usize>i + 2));
    if ((hi | lo) < 0) return DECODE_KEEP_RAW;
    const byte = (hi << 4) | lo;
    if (byte >= 0x80) nonAscii = true;
    store<u8>(o++, <u8>byte);
    const runStart = <usize>i + 3;
    const next = findByte(src, runStart, len, PERCENT);
    const runEnd = next < 0 ? len : <usize>next;
    copyBytes16(o, src + runStart, runEnd - runStart);
    o += runEnd - runStart;
    i = <isize>runEnd;
  }
  return nonAscii ? DECODE_NON_ASCII : <i32>(o - dst);
}
