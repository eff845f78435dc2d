// Base64 as cookie-signature writes a MAC: the standard alphabet with the
// '=' padding stripped, so a 32-byte MAC becomes 43 characters.
//
// Sixteen characters per step, all in vector lanes: each 3-byte group is
// spread over a 32-bit lane, its four 6-bit indices are shifted into the
// lane's bytes, and each index becomes a character by adding the offset of
// its alphabet range, found with one table swizzle.

/** Characters in the unpadded base64 of a 32-byte MAC. */
export const MAC_BASE64_CHARS: usize = 43;

/**
 * Offset from a 6-bit index to its character, by range code: 0 for 26-51
 * ('a' - 26), 1-10 for 52-61 ('0' - 52), 11 for 62 ('+'), 12 for 63 ('/'),
 * 13 for 0-25 ('A').
 */
const RANGE_OFFSETS = i8x16(71, -4, -4, -4, -4, -4, -4, -4, -4, -4, -4, -19, -16, 65, 0, 0);

/** The 16 characters of the 12 bytes at the start of `bytes`. */
@inline function encode12(bytes: v128): v128 {
  // Lane g holds group g's bytes as [b, a, c, b] (a, b, c = bytes 3g..3g+2).
  const t = i8x16.shuffle(bytes, bytes, 1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10);
  // Indices a>>2, (a&3)<<4|b>>4, (b&15)<<2|c>>6, c&63 into bytes 0..3 of the lane.
  const indices = v128.or(
    v128.or(v128.and(i32x4.shr_u(t, 10), i32x4.splat(0x3f)), v128.and(i32x4.shl(t, 4), i32x4.splat(0x3f00))),
    v128.or(v128.and(i32x4.shr_u(t, 6), i32x4.splat(0x3f0000)), v128.and(i32x4.shl(t, 8), i32x4.splat(0x3f000000))),
  );
  let range = i8x16.sub_sat_u(indices, i8x16.splat(51));
  range = v128.or(range, v128.and(i8x16.lt_u(indices, i8x16.splat(26)), i8x16.splat(13)));
  return i8x16.add(indices, i8x16.swizzle(RANGE_OFFSETS, range));
}

/**
 * Writes the 43 characters of the 32-byte MAC at `mac` to `dst`. Reads 40
 * bytes from `mac` and writes 48 to `dst`: the bytes after the MAC are
 * masked off, the 5 characters after the 43rd are scratch.
 */
export function base64EncodeMac(mac: usize, dst: usize): void {
  v128.store(dst, encode12(v128.load(mac)));
  v128.store(dst, encode12(v128.load(mac, 12)), 16);
  // Bytes 24..31 and zeros, as the unpadded encoding pads the last group.
  v128.store(dst, encode12(v128.and(v128.load(mac, 24), i64x2(-1, 0))), 32);
}
