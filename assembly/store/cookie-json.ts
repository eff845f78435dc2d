// Finds where the cookie object ends in a session's JSON text, so that touch
// can replace the cookie (its new expiry) and keep the stored data bytes.
// Sessions serialise with the cookie first: {"cookie":{…},…data}.

// The bytes {"cookie as a little-endian u64, then ": as a u16.
const PREFIX_HEAD: u64 = 0x65696b6f6f63227b;
const PREFIX_TAIL: u16 = 0x3a22;
const PREFIX_LEN: u32 = 10;

/** Byte offset just after the cookie object's closing brace, or 0 when the text does not start with an object cookie. */
export function cookieEnd(ptr: usize, len: u32): u32 {
  if (len < PREFIX_LEN + 2) return 0;
  if (load<u64>(ptr) != PREFIX_HEAD || load<u16>(ptr + 8) != PREFIX_TAIL) return 0;
  if (load<u8>(ptr + PREFIX_LEN) != 0x7b) return 0;
  let depth: i32 = 0;
  let inString = false;
  for (let i: u32 = PREFIX_LEN; i < len; i++) {
    const c = load<u8>(ptr + i);
    if (inString) {
      if (c == 0x5c) i++;
      else if (c == 0x22) inString = false;
    } else if (c == 0x22) {
      inString = true;
    } else if (c == 0x7b || c == 0x5b) {
      depth++;
    } else if (c == 0x7d || c == 0x5d) {
      depth--;
      if (depth == 0) return i + 1;
    }
  }
  return 0;
}
