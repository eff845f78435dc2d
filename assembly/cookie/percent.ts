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

const PERCENT: u8 = 0x25;

@inline function hexValue(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const lower = c | 0x20;
  if (lower - 0x61 < 6) return <i32>(lower - 0x61 + 10);
  return -1;
}

/**
 * Decodes `len` bytes at `src` into `dst`. Returns the decoded length, or
 * one of the DECODE_* codes (in which case `dst` is not meaningful).
 */
export function percentDecode(src: usize, len: usize, dst: usize): i32 {
  let i: usize = 0;
  while (i < len && load<u8>(src + i) != PERCENT) i++;
  if (i == len) return DECODE_NONE;
  memory.copy(dst, src, i);
  let o = dst + i;
  let nonAscii = false;
  while (i < len) {
    const c = load<u8>(src + i);
    if (c != PERCENT) {
      store<u8>(o++, c);
      i++;
      continue;
    }
    if (i + 2 >= len) return DECODE_KEEP_RAW;
    const hi = hexValue(<u32>load<u8>(src + i + 1));
    const lo = hexValue(<u32>load<u8>(src + i + 2));
    if ((hi | lo) < 0) return DECODE_KEEP_RAW;
    const byte = (hi << 4) | lo;
    if (byte >= 0x80) nonAscii = true;
    store<u8>(o++, <u8>byte);
    i += 3;
  }
  return nonAscii ? DECODE_NON_ASCII : <i32>(o - dst);
}
