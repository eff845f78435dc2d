// SHA-256 (FIPS 180-4) over linear memory. The state is eight u32 words in
// host (little-endian) order at a caller-given address, so HMAC can keep
// precomputed key states and resume from them.

const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const INITIAL_STATE: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** The message schedule of the block being compressed. */
const W: usize = memory.data(64 * 4, 16);
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
@inline function choose(x: u32, y: u32, z: u32): u32 {
  return z ^ (x & (y ^ z));
}
@inline function majority(x: u32, y: u32, z: u32): u32 {
  return (x & y) | (z & (x | y));
}
/** Reverses the bytes of each 32-bit lane: big-endian message words to host order in one shuffle. */
@inline function wordsFromBigEndian(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/** Mixes one 64-byte block at `block` into `state`. */
export function sha256Compress(state: usize, block: usize): void {
  v128.store(W, wordsFromBigEndian(v128.load(block)));
  v128.store(W, wordsFromBigEndian(v128.load(block, 16)), 16);
  v128.store(W, wordsFromBigEndian(v128.load(block, 32)), 32);
  v128.store(W, wordsFromBigEndian(v128.load(block, 48)), 48);
  for (let i: usize = 64; i < 256; i += 4) {
    const w15 = load<u32>(W + i - 60);
    const w2 = load<u32>(W + i - 8);
    const s0 = rotr<u32>(w15, 7) ^ rotr<u32>(w15, 18) ^ (w15 >>> 3);
    const s1 = rotr<u32>(w2, 17) ^ rotr<u32>(w2, 19) ^ (w2 >>> 10);
    store<u32>(W + i, load<u32>(W + i - 64) + s0 + load<u32>(W + i - 28) + s1);
  }

  let a = load<u32>(state, 0);
  let b = load<u32>(state, 4);
  let c = load<u32>(state, 8);
  let d = load<u32>(state, 12);
  let e = load<u32>(state, 16);
  let f = load<u32>(state, 20);
  let g = load<u32>(state, 24);
  let h = load<u32>(state, 28);

  // Eight rounds per pass with the variables' roles rotated instead of
  // shifting eight values every round; after eight rounds they line up again.
  for (let i: usize = 0; i < 256; i += 32) {
    let t = h + bigSigma1(e) + choose(e, f, g) + load<u32>(K + i) + load<u32>(W + i);
    d += t;
    h = t + bigSigma0(a) + majority(a, b, c);
    t = g + bigSigma1(d) + choose(d, e, f) + load<u32>(K + i, 4) + load<u32>(W + i, 4);
    c += t;
    g = t + bigSigma0(h) + majority(h, a, b);
    t = f + bigSigma1(c) + choose(c, d, e) + load<u32>(K + i, 8) + load<u32>(W + i, 8);
    b += t;
    f = t + bigSigma0(g) + majority(g, h, a);
    t = e + bigSigma1(b) + choose(b, c, d) + load<u32>(K + i, 12) + load<u32>(W + i, 12);
    a += t;
    e = t + bigSigma0(f) + majority(f, g, h);
    t = d + bigSigma1(a) + choose(a, b, c) + load<u32>(K + i, 16) + load<u32>(W + i, 16);
    h += t;
    d = t + bigSigma0(e) + majority(e, f, g);
    t = c + bigSigma1(h) + choose(h, a, b) + load<u32>(K + i, 20) + load<u32>(W + i, 20);
    g += t;
    c = t + bigSigma0(d) + majority(d, e, f);
    t = b + bigSigma1(g) + choose(g, h, a) + load<u32>(K + i, 24) + load<u32>(W + i, 24);
    f += t;
    b = t + bigSigma0(c) + majority(c, d, e);
    t = a + bigSigma1(f) + choose(f, g, h) + load<u32>(K + i, 28) + load<u32>(W + i, 28);
    e += t;
    a = t + bigSigma0(b) + majority(b, c, d);
  }

  store<u32>(state, load<u32>(state, 0) + a, 0);
  store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8);
  store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16);
  store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24);
  store<u32>(state, load<u32>(state, 28) + h, 28);
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
  for (let i: usize = 0; i < rest; i++) store<u8>(TAIL + i, load<u8>(data + offset + i));
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
