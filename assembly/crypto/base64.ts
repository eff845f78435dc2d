// Base64 as cookie-signature writes a MAC: the standard alphabet with the
// '=' padding stripped, so a 32-byte MAC becomes 43 characters.

const ALPHABET: usize = memory.data<u8>([
  65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90,
  97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118,
  119, 120, 121, 122, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 43, 47,
]);

/** Characters in the unpadded base64 of a 32-byte MAC. */
export const MAC_BASE64_CHARS: usize = 43;

/** Encodes `len` bytes at `src` to `dst` without padding; returns the characters written. */
export function base64EncodeUnpadded(src: usize, len: usize, dst: usize): usize {
  let i: usize = 0;
  let o: usize = dst;
  for (; i + 3 <= len; i += 3) {
    const n = (<u32>load<u8>(src + i) << 16) | (<u32>load<u8>(src + i + 1) << 8) | <u32>load<u8>(src + i + 2);
    // Four characters in one (little-endian) store.
    store<u32>(
      o,
      <u32>load<u8>(ALPHABET + (n >>> 18)) |
        (<u32>load<u8>(ALPHABET + ((n >>> 12) & 63)) << 8) |
        (<u32>load<u8>(ALPHABET + ((n >>> 6) & 63)) << 16) |
        (<u32>load<u8>(ALPHABET + (n & 63)) << 24),
    );
    o += 4;
  }
  const rest = len - i;
  if (rest == 1) {
    const n = <u32>load<u8>(src + i) << 16;
    store<u8>(o, load<u8>(ALPHABET + (n >>> 18)));
    store<u8>(o + 1, load<u8>(ALPHABET + ((n >>> 12) & 63)));
    o += 2;
  } else if (rest == 2) {
    const n = (<u32>load<u8>(src + i) << 16) | (<u32>load<u8>(src + i + 1) << 8);
    store<u8>(o, load<u8>(ALPHABET + (n >>> 18)));
    store<u8>(o + 1, load<u8>(ALPHABET + ((n >>> 12) & 63)));
    store<u8>(o + 2, load<u8>(ALPHABET + ((n >>> 6) & 63)));
    o += 3;
  }
  return o - dst;
}
