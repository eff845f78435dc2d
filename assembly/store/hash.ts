// MurmurHash3 (x86, 32-bit) over raw bytes with a per-instance seed, so that
// the bucket of a chosen session ID cannot be predicted from outside.

@inline function mixBlock(k: u32): u32 {
  k *= 0xcc9e2d51;
  k = rotl<u32>(k, 15);
  return k * 0x1b873593;
}

export function hashBytes(ptr: usize, len: u32, seed: u32): u32 {
  let h = seed;
  const blocks = len & ~3;
  for (let i: u32 = 0; i < blocks; i += 4) {
    h ^= mixBlock(load<u32>(ptr + i));
    h = rotl<u32>(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  let tail: u32 = 0;
  const rest = len & 3;
  if (rest == 3) tail ^= <u32>load<u8>(ptr + blocks + 2) << 16;
  if (rest >= 2) tail ^= <u32>load<u8>(ptr + blocks + 1) << 8;
  if (rest >= 1) {
    tail ^= <u32>load<u8>(ptr + blocks);
    h ^= mixBlock(tail);
  }
  h ^= len;
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/** Whether two byte ranges of equal length are equal. */
export function bytesEqual(a: usize, b: usize, len: u32): bool {
  let i: u32 = 0;
  for (; i + 8 <= len; i += 8) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
  }
  for (; i < len; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
  }
  return true;
}
