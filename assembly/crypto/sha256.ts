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
@inline function sigma0(x: u32): u32 {
  return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3);
}
@inline function sigma1(x: u32): u32 {
  return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10);
}
/** T1 of a round: what both `d` and the new `a` receive. */
@inline function step(e: u32, f: u32, g: u32, h: u32, k: u32, w: u32): u32 {
  return h + bigSigma1(e) + (g ^ (e & (f ^ g))) + k + w;
}
/** Reverses the bytes of each 32-bit lane: big-endian message words to host order in one shuffle. */
@inline function wordsFromBigEndian(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/**
 * Mixes one block, given as its sixteen message words, into `state`. Every
 * round is written out with its constant, the working variables and the
 * rolling 16-word schedule are locals (no memory traffic between rounds),
 * and the variables' roles rotate each round instead of shifting eight
 * values. Maj(a, b, c) is computed as ((a ^ b) & (b ^ c)) ^ b, where b ^ c
 * is the previous round's a ^ b (kept in x / y alternately): one operation
 * less per round. Inlined where some words are constants (the padded tail
 * of a 32-byte message), the compiler folds the schedule terms they feed.
 */
// prettier-ignore
@inline function compressWords(
  state: usize,
  w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32,
  w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32,
): void {
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
  t = step(e, f, g, h, 0x428a2f98, w0); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = step(d, e, f, g, 0x71374491, w1); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = step(c, d, e, f, 0xb5c0fbcf, w2); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = step(b, c, d, e, 0xe9b5dba5, w3); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  t = step(a, b, c, d, 0x3956c25b, w4); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = step(h, a, b, c, 0x59f111f1, w5); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = step(g, h, a, b, 0x923f82a4, w6); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = step(f, g, h, a, 0xab1c5ed5, w7); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  t = step(e, f, g, h, 0xd807aa98, w8); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  t = step(d, e, f, g, 0x12835b01, w9); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  t = step(c, d, e, f, 0x243185be, w10); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  t = step(b, c, d, e, 0x550c7dc3, w11); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  t = step(a, b, c, d, 0x72be5d74, w12); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  t = step(h, a, b, c, 0x80deb1fe, w13); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  t = step(g, h, a, b, 0x9bdc06a7, w14); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  t = step(f, g, h, a, 0xc19bf174, w15); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  w0 += sigma1(w14) + w9 + sigma0(w1);
  t = step(e, f, g, h, 0xe49b69c1, w0); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  w1 += sigma1(w15) + w10 + sigma0(w2);
  t = step(d, e, f, g, 0xefbe4786, w1); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  w2 += sigma1(w0) + w11 + sigma0(w3);
  t = step(c, d, e, f, 0x0fc19dc6, w2); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  w3 += sigma1(w1) + w12 + sigma0(w4);
  t = step(b, c, d, e, 0x240ca1cc, w3); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  w4 += sigma1(w2) + w13 + sigma0(w5);
  t = step(a, b, c, d, 0x2de92c6f, w4); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  w5 += sigma1(w3) + w14 + sigma0(w6);
  t = step(h, a, b, c, 0x4a7484aa, w5); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  w6 += sigma1(w4) + w15 + sigma0(w7);
  t = step(g, h, a, b, 0x5cb0a9dc, w6); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  w7 += sigma1(w5) + w0 + sigma0(w8);
  t = step(f, g, h, a, 0x76f988da, w7); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  w8 += sigma1(w6) + w1 + sigma0(w9);
  t = step(e, f, g, h, 0x983e5152, w8); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  w9 += sigma1(w7) + w2 + sigma0(w10);
  t = step(d, e, f, g, 0xa831c66d, w9); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  w10 += sigma1(w8) + w3 + sigma0(w11);
  t = step(c, d, e, f, 0xb00327c8, w10); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  w11 += sigma1(w9) + w4 + sigma0(w12);
  t = step(b, c, d, e, 0xbf597fc7, w11); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  w12 += sigma1(w10) + w5 + sigma0(w13);
  t = step(a, b, c, d, 0xc6e00bf3, w12); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  w13 += sigma1(w11) + w6 + sigma0(w14);
  t = step(h, a, b, c, 0xd5a79147, w13); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  w14 += sigma1(w12) + w7 + sigma0(w15);
  t = step(g, h, a, b, 0x06ca6351, w14); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  w15 += sigma1(w13) + w8 + sigma0(w0);
  t = step(f, g, h, a, 0x14292967, w15); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  w0 += sigma1(w14) + w9 + sigma0(w1);
  t = step(e, f, g, h, 0x27b70a85, w0); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  w1 += sigma1(w15) + w10 + sigma0(w2);
  t = step(d, e, f, g, 0x2e1b2138, w1); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  w2 += sigma1(w0) + w11 + sigma0(w3);
  t = step(c, d, e, f, 0x4d2c6dfc, w2); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  w3 += sigma1(w1) + w12 + sigma0(w4);
  t = step(b, c, d, e, 0x53380d13, w3); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  w4 += sigma1(w2) + w13 + sigma0(w5);
  t = step(a, b, c, d, 0x650a7354, w4); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  w5 += sigma1(w3) + w14 + sigma0(w6);
  t = step(h, a, b, c, 0x766a0abb, w5); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  w6 += sigma1(w4) + w15 + sigma0(w7);
  t = step(g, h, a, b, 0x81c2c92e, w6); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  w7 += sigma1(w5) + w0 + sigma0(w8);
  t = step(f, g, h, a, 0x92722c85, w7); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  w8 += sigma1(w6) + w1 + sigma0(w9);
  t = step(e, f, g, h, 0xa2bfe8a1, w8); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  w9 += sigma1(w7) + w2 + sigma0(w10);
  t = step(d, e, f, g, 0xa81a664b, w9); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  w10 += sigma1(w8) + w3 + sigma0(w11);
  t = step(c, d, e, f, 0xc24b8b70, w10); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  w11 += sigma1(w9) + w4 + sigma0(w12);
  t = step(b, c, d, e, 0xc76c51a3, w11); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  w12 += sigma1(w10) + w5 + sigma0(w13);
  t = step(a, b, c, d, 0xd192e819, w12); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  w13 += sigma1(w11) + w6 + sigma0(w14);
  t = step(h, a, b, c, 0xd6990624, w13); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  w14 += sigma1(w12) + w7 + sigma0(w15);
  t = step(g, h, a, b, 0xf40e3585, w14); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  w15 += sigma1(w13) + w8 + sigma0(w0);
  t = step(f, g, h, a, 0x106aa070, w15); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  w0 += sigma1(w14) + w9 + sigma0(w1);
  t = step(e, f, g, h, 0x19a4c116, w0); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  w1 += sigma1(w15) + w10 + sigma0(w2);
  t = step(d, e, f, g, 0x1e376c08, w1); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  w2 += sigma1(w0) + w11 + sigma0(w3);
  t = step(c, d, e, f, 0x2748774c, w2); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  w3 += sigma1(w1) + w12 + sigma0(w4);
  t = step(b, c, d, e, 0x34b0bcb5, w3); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  w4 += sigma1(w2) + w13 + sigma0(w5);
  t = step(a, b, c, d, 0x391c0cb3, w4); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  w5 += sigma1(w3) + w14 + sigma0(w6);
  t = step(h, a, b, c, 0x4ed8aa4a, w5); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  w6 += sigma1(w4) + w15 + sigma0(w7);
  t = step(g, h, a, b, 0x5b9cca4f, w6); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  w7 += sigma1(w5) + w0 + sigma0(w8);
  t = step(f, g, h, a, 0x682e6ff3, w7); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);
  w8 += sigma1(w6) + w1 + sigma0(w9);
  t = step(e, f, g, h, 0x748f82ee, w8); d += t; x = a ^ b; h = t + bigSigma0(a) + ((x & y) ^ b);
  w9 += sigma1(w7) + w2 + sigma0(w10);
  t = step(d, e, f, g, 0x78a5636f, w9); c += t; y = h ^ a; g = t + bigSigma0(h) + ((y & x) ^ a);
  w10 += sigma1(w8) + w3 + sigma0(w11);
  t = step(c, d, e, f, 0x84c87814, w10); b += t; x = g ^ h; f = t + bigSigma0(g) + ((x & y) ^ h);
  w11 += sigma1(w9) + w4 + sigma0(w12);
  t = step(b, c, d, e, 0x8cc70208, w11); a += t; y = f ^ g; e = t + bigSigma0(f) + ((y & x) ^ g);
  w12 += sigma1(w10) + w5 + sigma0(w13);
  t = step(a, b, c, d, 0x90befffa, w12); h += t; x = e ^ f; d = t + bigSigma0(e) + ((x & y) ^ f);
  w13 += sigma1(w11) + w6 + sigma0(w14);
  t = step(h, a, b, c, 0xa4506ceb, w13); g += t; y = d ^ e; c = t + bigSigma0(d) + ((y & x) ^ e);
  w14 += sigma1(w12) + w7 + sigma0(w15);
  t = step(g, h, a, b, 0xbef9a3f7, w14); f += t; x = c ^ d; b = t + bigSigma0(c) + ((x & y) ^ d);
  w15 += sigma1(w13) + w8 + sigma0(w0);
  t = step(f, g, h, a, 0xc67178f2, w15); e += t; y = b ^ c; a = t + bigSigma0(b) + ((y & x) ^ c);

  store<u32>(state, load<u32>(state, 0) + a, 0);
  store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8);
  store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16);
  store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24);
  store<u32>(state, load<u32>(state, 28) + h, 28);
}

@inline function wordAt(block: usize, offset: usize): u32 {
  return bswap<u32>(load<u32>(block + offset));
}

/** Mixes one 64-byte block at `block` into `state`. */
export function sha256Compress(state: usize, block: usize): void {
  compressWords(
    state,
    wordAt(block, 0), wordAt(block, 4), wordAt(block, 8), wordAt(block, 12),
    wordAt(block, 16), wordAt(block, 20), wordAt(block, 24), wordAt(block, 28),
    wordAt(block, 32), wordAt(block, 36), wordAt(block, 40), wordAt(block, 44),
    wordAt(block, 48), wordAt(block, 52), wordAt(block, 56), wordAt(block, 60),
  );
}

/**
 * Finishes a hash whose state has absorbed exactly one 64-byte block (an
 * HMAC key block) with a 32-byte message given as its eight big-endian
 * words: the shape of both HMAC halves for a 32-character session ID. The
 * padding words are constants here, so no tail block is assembled in memory
 * and the schedule terms they feed fold away at compile time.
 */
// prettier-ignore
export function sha256FinishWords32(
  state: usize,
  w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32,
): void {
  // 0x80 after the message, zeros, then the bit length (64 + 32) * 8 = 768.
  compressWords(state, w0, w1, w2, w3, w4, w5, w6, w7, 0x80000000, 0, 0, 0, 0, 0, 0, 768);
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
