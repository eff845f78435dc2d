// The session-cookie kernel: reads and verifies the signed session ID of a
// Cookie header in one call, and signs IDs for Set-Cookie. Exports take and
// return numbers only; bytes travel through the static buffers below, whose
// addresses JavaScript reads once (see src/wasm/cookie-kernel.ts).
import { findCookieValue, valueEnd, valueStart } from './cookie/scan';
import { copyBytes16, findByte, findLastByte } from './cookie/vector-bytes';
import { DECODE_NON_ASCII, percentDecode } from './cookie/percent';
import { base64EncodeMac, MAC_BASE64_CHARS } from './crypto/base64';
import { equalConstantTime } from './crypto/compare';
import { HMAC_KEY_STATE_BYTES, hmacPrepareKey, hmacSha256 } from './crypto/hmac';

/** Bytes JavaScript may write into the input buffer (a Cookie header, an ID, a key). */
const INPUT_CAPACITY: usize = 65536;
/** Spare bytes after each buffer, for the 16-byte loads and stores of the scans (cookie/vector-bytes.ts). */
const VECTOR_SLACK: i32 = 16;
const INPUT: usize = memory.data(<i32>INPUT_CAPACITY + VECTOR_SLACK, 16);
/** Decoded cookie values, and the base64 MAC that signId writes. */
const OUTPUT: usize = memory.data(<i32>INPUT_CAPACITY + VECTOR_SLACK, 16);
/** Two i32 cells: start and end (exclusive) of the ID a read returned. */
const RESULT: usize = memory.data(8, 16);
/** The 32-byte MAC, with room for the 16-byte loads of base64EncodeMac. */
const MAC: usize = memory.data(48, 16);
const MAC_TEXT: usize = memory.data(64, 16);

// Read outcomes, exported as globals that the bridge (src/wasm/cookie-kernel.ts) reads.
/** The cookie is there but carries no ID signed with one of the record's secrets. */
export const ID_NONE: i32 = 0;
/** The ID is input[start, end): JavaScript slices it from the string it wrote. */
export const ID_IN_INPUT: i32 = 1;
/** The ID went through percent-decoding and is output[start, end). */
export const ID_IN_OUTPUT: i32 = 2;
/** The value needs UTF-8 aware decoding: use the JavaScript path. */
const ID_USE_FALLBACK: i32 = 3;
/**
 * The text has no cookie of the record's name. Kept apart from ID_NONE so
 * that a header read piece by piece stops at the first piece holding the
 * cookie, valid or not, as the reference's first-occurrence rule demands.
 */
export const ID_ABSENT: i32 = 4;

// A codec record, allocated by JavaScript through allocateRecord:
//   u32 nameLen, u32 secretCount, name bytes, padding to 16,
//   then secretCount key states of HMAC_KEY_STATE_BYTES each.
@inline function recordNameLen(record: usize): usize {
  return <usize>load<u32>(record);
}
@inline function recordSecretCount(record: usize): usize {
  return <usize>load<u32>(record, 4);
}
@inline function recordKeyStates(record: usize): usize {
  return (record + 8 + recordNameLen(record) + 15) & ~<usize>15;
}

export function inputPointer(): usize {
  return INPUT;
}
export function inputCapacity(): usize {
  return INPUT_CAPACITY;
}
export function outputPointer(): usize {
  return OUTPUT;
}
export function resultPointer(): usize {
  return RESULT;
}

/** Bytes a record needs for a cookie name of `nameLen` bytes and `secretCount` secrets. */
export function recordSize(nameLen: usize, secretCount: usize): usize {
  return ((8 + nameLen + 15) & ~<usize>15) + secretCount * HMAC_KEY_STATE_BYTES;
}

/** Fresh memory for a record (never freed; JavaScript recycles records). May grow memory. */
export function allocateRecord(size: usize): usize {
  return heap.alloc(size);
}

/** Starts a record: the cookie name (`nameLen` bytes) is in the input buffer. */
export function initRecord(record: usize, nameLen: usize, secretCount: usize): void {
  store<u32>(record, <u32>nameLen);
  store<u32>(record, <u32>secretCount, 4);
  memory.copy(record + 8, INPUT, nameLen);
}

/** Precomputes secret number `index` of a record; its `keyLen` bytes are in the input buffer. */
export function prepareSecret(record: usize, index: usize, keyLen: usize): void {
  hmacPrepareKey(recordKeyStates(record) + index * HMAC_KEY_STATE_BYTES, INPUT, keyLen);
}

/**
 * Whether `len` bytes at `value`, an already-decoded `s:<id>.<mac>`, carry
 * a MAC of <id> under one of the record's secrets, tried in order as the
 * reference does. On success the ID's end (offset of the last '.') is in RESULT[1].
 */
function verifySigned(record: usize, value: usize, len: usize): bool {
  if (len < 2 || load<u8>(value) != 0x73 || load<u8>(value, 1) != 0x3a) return false;
  const lastDot = findLastByte(value, 2, len, 0x2e);
  if (lastDot < 0) return false;
  const dot = <usize>lastDot;
  // Any other length cannot equal a MAC; the length is not secret.
  if (len - dot - 1 != MAC_BASE64_CHARS) return false;
  const states = recordKeyStates(record);
  const count = recordSecretCount(record);
  for (let i: usize = 0; i < count; i++) {
    hmacSha256(states + i * HMAC_KEY_STATE_BYTES, value + 2, dot - 2, MAC);
    base64EncodeMac(MAC, MAC_TEXT);
    if (equalConstantTime(MAC_TEXT, value + dot + 1, MAC_BASE64_CHARS)) {
      store<i32>(RESULT, <i32>dot, 4);
      return true;
    }
  }
  return false;
}

/** Verifies a raw cookie value (`len` bytes in the input buffer, as cookie-parser leaves them). */
export function unsignValue(record: usize, len: usize): i32 {
  if (!verifySigned(record, INPUT, len)) return ID_NONE;
  store<i32>(RESULT, 2);
  return ID_IN_INPUT;
}

/** Finds, decodes and verifies the record's cookie in the `len`-byte header in the input buffer. */
export function readSessionCookie(record: usize, len: usize): i32 {
  if (!findCookieValue(INPUT, len, record + 8, recordNameLen(record))) return ID_ABSENT;
  const start = valueStart;
  const rawLen = valueEnd - start;
  const decoded = percentDecode(INPUT + start, rawLen, OUTPUT);
  if (decoded == DECODE_NON_ASCII) return ID_USE_FALLBACK;
  if (decoded < 0) {
    // DECODE_NONE or DECODE_KEEP_RAW: the raw bytes are the value.
    if (!verifySigned(record, INPUT + start, rawLen)) return ID_NONE;
    store<i32>(RESULT, <i32>start + 2);
    store<i32>(RESULT, load<i32>(RESULT, 4) + <i32>start, 4);
    return ID_IN_INPUT;
  }
  if (!verifySigned(record, OUTPUT, <usize>decoded)) return ID_NONE;
  const idEnd = <usize>load<i32>(RESULT, 4);
  // Prefer slicing the caller's string: possible when the ID itself had no escapes.
  const rawIdStart = rawOffsetOf(INPUT + start, 2);
  if (findByte(INPUT + start, rawIdStart, rawIdStart + idEnd - 2, 0x25) >= 0) {
    store<i32>(RESULT, 2);
    return ID_IN_OUTPUT;
  }
  store<i32>(RESULT, <i32>(start + rawIdStart));
  store<i32>(RESULT, <i32>(start + rawIdStart + idEnd - 2), 4);
  return ID_IN_INPUT;
}

/** The raw offset of decoded offset `decodedOffset` in a validly escaped value. */
function rawOffsetOf(raw: usize, decodedOffset: usize): usize {
  let r: usize = 0;
  for (let d: usize = 0; d < decodedOffset; d++) {
    r += load<u8>(raw + r) == 0x25 ? 3 : 1;
  }
  return r;
}

/** Longest ID signId takes: its value and escaped value must fit the output buffer together. */
const SIGN_ID_CAPACITY: usize = 16384;

/**
 * Signs the `len`-byte ID in the input buffer with the record's first
 * secret and writes the whole cookie value `s:<id>.<mac>` to the output
 * buffer, followed, when encodeURIComponent would leave the ID as it is, by
 * the value as it escapes it (`s%3A<id>.<mac>` with '+' and '/' escaped).
 * Returns the characters written, negated when only the plain value was
 * written (the caller then escapes it itself); 0 when the ID is longer than
 * SIGN_ID_CAPACITY (the caller signs in JavaScript).
 */
export function signId(record: usize, len: usize): i32 {
  if (len > SIGN_ID_CAPACITY) return 0;
  hmacSha256(recordKeyStates(record), INPUT, len, MAC);
  let o = OUTPUT;
  store<u16>(o, 0x3a73); // "s:"
  copyBytes16(o + 2, INPUT, len);
  o += 2 + len;
  store<u8>(o++, 0x2e);
  const macText = o;
  base64EncodeMac(MAC, macText);
  o += MAC_BASE64_CHARS;
  if (!isUriUnreserved(INPUT, len)) return -<i32>(o - OUTPUT);
  store<u32>(o, 0x41332573); // "s%3A"
  copyBytes16(o + 4, INPUT, len);
  o += 4 + len;
  store<u8>(o++, 0x2e);
  o = escapeMac(macText, o);
  return <i32>(o - OUTPUT);
}

/** Writes the 43-char MAC at `mac` to `o` as encodeURIComponent would ('+' -> %2B, '/' -> %2F); returns the end. */
function escapeMac(mac: usize, o: usize): usize {
  // Bit i of `specials` marks a '+' or '/' at mac[i]; the runs between them are copied sixteen bytes at a time.
  let specials: u64 = 0;
  for (let i: usize = 0; i < MAC_BASE64_CHARS; i += 16) {
    const chunk = v128.load(mac + i);
    const hits = v128.or(i8x16.eq(chunk, i8x16.splat(0x2b)), i8x16.eq(chunk, i8x16.splat(0x2f)));
    specials |= <u64>i8x16.bitmask(hits) << i;
  }
  specials &= (<u64>1 << MAC_BASE64_CHARS) - 1;
  let from: usize = 0;
  while (specials != 0) {
    const at = <usize>ctz(specials);
    copyBytes16(o, mac + from, at - from);
    o += at - from;
    store<u32>(o, load<u8>(mac + at) == 0x2b ? 0x423225 : 0x463225); // "%2B" / "%2F"
    o += 3;
    from = at + 1;
    specials &= specials - 1;
  }
  copyBytes16(o, mac + from, MAC_BASE64_CHARS - from);
  return o + MAC_BASE64_CHARS - from;
}

/** Whether encodeURIComponent leaves every byte as it is: A-Z a-z 0-9 - _ . ! ~ * ' ( ), tested sixteen bytes per step. */
function isUriUnreserved(data: usize, len: usize): bool {
  for (let i: usize = 0; i < len; i += 16) {
    const c = v128.load(data + i);
    const letter = i8x16.lt_u(i8x16.sub(v128.or(c, i8x16.splat(0x20)), i8x16.splat(0x61)), i8x16.splat(26));
    const digit = i8x16.lt_u(i8x16.sub(c, i8x16.splat(0x30)), i8x16.splat(10));
    // ' ( ) * are 0x27-0x2a; - . are 0x2d-0x2e.
    const quoteToStar = i8x16.lt_u(i8x16.sub(c, i8x16.splat(0x27)), i8x16.splat(4));
    const dashDot = i8x16.lt_u(i8x16.sub(c, i8x16.splat(0x2d)), i8x16.splat(2));
    const single = v128.or(v128.or(i8x16.eq(c, i8x16.splat(0x21)), i8x16.eq(c, i8x16.splat(0x5f))), i8x16.eq(c, i8x16.splat(0x7e)));
    const ok = v128.or(v128.or(v128.or(letter, digit), v128.or(quoteToStar, dashDot)), single);
    let bad = ~i8x16.bitmask(ok) & 0xffff;
    // Bytes past the end are not part of the ID.
    if (len - i < 16) bad &= (1 << <i32>(len - i)) - 1;
    if (bad != 0) return false;
  }
  return true;
}

/** HMAC-SHA256 of the `len` bytes in the input buffer under secret `index` of a record, to the output buffer (for tests). */
export function macRaw(record: usize, index: usize, len: usize): void {
  hmacSha256(recordKeyStates(record) + index * HMAC_KEY_STATE_BYTES, INPUT, len, OUTPUT);
}
