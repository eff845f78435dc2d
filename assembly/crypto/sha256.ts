// SHA-256 (FIPS 180-4) over linear memory. The state is eight u32 words in
// host (little-endian) order at a caller-given address, so HMAC can keep
// precomputed key states and resume from them.

const INITIAL_STATE: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The last, padded block(s) of a message are assembled here. */
const TAIL: usize = memory.data(128, 16);

export const SHA256_BLOCK_BYTES: i32 = 64;
export const SHA256_DIGEST_BYTES: i32 = 32;

/** Copies the initial hash value into `state`. */
export function sha256Init(state: usize): void {
  sha256CopyState(state, INITIAL_STATE);
}

@inline function bigSigma0(x: u32): u32 {
  return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22);
}
@inline function bigSigma1(x: u32): u32 {
  return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25);
}
/** Reverses the bytes of each 32-bit lane: big-endian message words to host order in one shuffle. */
@inline function wordsFromBigEndian(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

// The message schedule runs four words at a time in vector lanes, beside
// the scalar rounds (Wasm SIMD has no rotate: shift both ways and OR).
@inline function vrotr(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}
@inline function vsigma0(x: v128): v128 {
  return v128.xor(v128.xor(vrotr(x, 7), vrotr(x, 18)), i32x4.shr_u(x, 3));
}
@inline function vsigma1(x: v128): v128 {
  return v128.xor(v128.xor(vrotr(x, 17), vrotr(x, 19)), i32x4.shr_u(x, 10));
}
/** The next four schedule words W[t..t+3] from W[t-16..t-1] held in m0..m3. */
@inline function schedule(m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  const w15 = i8x16.shuffle(m0, m1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  const w7 = i8x16.shuffle(m2, m3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
  const s = i32x4.add(i32x4.add(m0, w7), vsigma0(w15));
  const lo = i32x4.add(s, vsigma1(i8x16.shuffle(m3, m3, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)));
  const hi = i32x4.add(s, vsigma1(i8x16.shuffle(lo, lo, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7)));
  return i8x16.shuffle(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 24, 25, 26, 27, 28, 29, 30, 31);
}

/**
 * Mixes one block, given as its sixteen message words in four vectors, into
 * `state`. Every round is written out with its constant; the working
 * variables stay in locals (no memory traffic between rounds) and their
 * roles rotate each round instead of shifting eight values. W + K is added
 * four lanes at a time, and T1 sums h + (W + K) + Ch before Σ1(e), so the
 * terms ready early are added while Σ1 is computed (measured ~5% faster
 * than adding Σ1 first). Maj(a, b, c) is computed as ((a ^ b) & (b ^ c)) ^ b,
 * where b ^ c is the previous round's a ^ b (kept in x / y alternately).
 * Inlined where the last two vectors are constants (the padded tail of a
 * 32-byte message), the compiler folds what they feed.
 */
// prettier-ignore
@inline function compressVectors(state: usize, m0: v128, m1: v128, m2: v128, m3: v128): void {
  let a = load<u32>(state, 0);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  let e = load<u32>(state, 16);
  let f = load<u32>(state, 20);
  let g = load<u32>(state, 24);
  let h = load<u32>(state, 28);
  let t: u32;
  let x: u32;
  let y = b ^ c;
  let kw: v128;
  kw = i32x4.add(m0, i32x4(0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  kw = i32x4.add(m1, i32x4(0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  kw = i32x4.add(m2, i32x4(0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  kw = i32x4.add(m3, i32x4(0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  m0 = schedule(m0, m1, m2, m3);
  kw = i32x4.add(m0, i32x4(0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  m1 = schedule(m1, m2, m3, m0);
  kw = i32x4.add(m1, i32x4(0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  m2 = schedule(m2, m3, m0, m1);
  kw = i32x4.add(m2, i32x4(0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  m3 = schedule(m3, m0, m1, m2);
  kw = i32x4.add(m3, i32x4(0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  m0 = schedule(m0, m1, m2, m3);
  kw = i32x4.add(m0, i32x4(0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  m1 = schedule(m1, m2, m3, m0);
  kw = i32x4.add(m1, i32x4(0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  m2 = schedule(m2, m3, m0, m1);
  kw = i32x4.add(m2, i32x4(0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  m3 = schedule(m3, m0, m1, m2);
  kw = i32x4.add(m3, i32x4(0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  m0 = schedule(m0, m1, m2, m3);
  kw = i32x4.add(m0, i32x4(0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  m1 = schedule(m1, m2, m3, m0);
  kw = i32x4.add(m1, i32x4(0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  m2 = schedule(m2, m3, m0, m1);
  kw = i32x4.add(m2, i32x4(0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208));
  t = h + i32x4.extract_lane(kw, 0) + (g ^ (e & (f ^ g))) + bigSigma1(e); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = g + i32x4.extract_lane(kw, 1) + (f ^ (d & (e ^ f))) + bigSigma1(d); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = f + i32x4.extract_lane(kw, 2) + (e ^ (c & (d ^ e))) + bigSigma1(c); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = e + i32x4.extract_lane(kw, 3) + (d ^ (b & (c ^ d))) + bigSigma1(b); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  m3 = schedule(m3, m0, m1, m2);
  kw = i32x4.add(m3, i32x4(0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2));
  t = d + i32x4.extract_lane(kw, 0) + (c ^ (a & (b ^ c))) + bigSigma1(a); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = c + i32x4.extract_lane(kw, 1) + (b ^ (h & (a ^ b))) + bigSigma1(h); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = b + i32x4.extract_lane(kw, 2) + (a ^ (g & (h ^ a))) + bigSigma1(g); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = a + i32x4.extract_lane(kw, 3) + (h ^ (f & (g ^ h))) + bigSigma1(f); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);

  store<u32>(state, load<u32>(state, 0) + a, 0);
  store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8);
  store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16);
  store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24);
  store<u32>(state, load<u32>(state, 28) + h, 28);
}

/** Mixes one 64-byte block at `block` into `state`. */
export function sha256Compress(state: usize, block: usize): void {
  compressVectors(
    state,
    wordsFromBigEndian(v128.load(block)),
    wordsFromBigEndian(v128.load(block, 16)),
    wordsFromBigEndian(v128.load(block, 32)),
    wordsFromBigEndian(v128.load(block, 48)),
  );
}

/**
 * Finishes a hash whose state has absorbed exactly one 64-byte block (an
 * HMAC key block) with a 32-byte message: the shape of both HMAC halves for
 * a 32-character session ID. The padding words are constants, so no tail
 * block is assembled in memory. `message` holds 32 big-endian bytes.
 */
export function sha256FinishBytes32(state: usize, message: usize): void {
  finishVectors32(state, wordsFromBigEndian(v128.load(message)), wordsFromBigEndian(v128.load(message, 16)));
}

/** As sha256FinishBytes32, with the message given as a digest state (eight host-order words): the outer HMAC hash. */
export function sha256FinishState32(state: usize, message: usize): void {
  finishVectors32(state, v128.load(message), v128.load(message, 16));
}

function finishVectors32(state: usize, m0: v128, m1: v128): void {
  // 0x80 after the message, zeros, then the bit length (64 + 32) * 8 = 768.
  compressVectors(state, m0, m1, i32x4(0x80000000, 0, 0, 0), i32x4(0, 0, 0, 768));
}

/**
 * Hashes `len` bytes at `data` into `state`, which has already absorbed
 * `prefixBytes` bytes (a multiple of 64, e.g. an HMAC key block), and pads.
 * The digest is left in `state` as host-order words; see sha256Digest.
 */
export function sha256Finish(state: usize, prefixBytes: u64, data: usize, len: usize): void {
  let offset: usize = 0;
  while (len - offset >= 64) {
    sha256Compress(state, data + offset);
    offset += 64;
  }
  const rest = len - offset;
  // Zero the tail block(s) with vector stores, then lay the message end and padding over them.
  const zero = i64x2.splat(0);
  for (let i: usize = 0; i < 128; i += 16) v128.store(TAIL + i, zero);
  memory.copy(TAIL, data + offset, rest);
  store<u8>(TAIL + rest, 0x80);
  const tailBytes: usize = rest < 56 ? 64 : 128;
  store<u64>(TAIL + tailBytes - 8, bswap<u64>((prefixBytes + <u64>len) << 3));
  sha256Compress(state, TAIL);
  if (tailBytes == 128) sha256Compress(state, TAIL + 64);
}

/** Writes the 32-byte big-endian digest held in `state` to `out`. */
export function sha256Digest(state: usize, out: usize): void {
  v128.store(out, wordsFromBigEndian(v128.load(state)));
  v128.store(out, wordsFromBigEndian(v128.load(state, 16)), 16);
}

/** Copies a 32-byte state (two vector moves; cheaper than a bulk-memory call for so few bytes). */
@inline export function sha256CopyState(dst: usize, src: usize): void {
  v128.store(dst, v128.load(src));
  v128.store(dst, v128.load(src, 16), 16);
}
