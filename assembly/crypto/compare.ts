// Comparison of secret-dependent bytes (MACs) whose running time does not
// reveal where the first difference is.

/**
 * Whether `len` bytes at `a` and `b` are equal, in time that depends on
 * `len` only: every chunk is XORed into one accumulator, with no early exit.
 * Eight bytes per step (a 43-char MAC is 5 steps and 3 bytes), as the
 * byte-at-a-time loop cost as much as a tenth of a verification.
 */
export function equalConstantTime(a: usize, b: usize, len: usize): bool {
  let diff: u64 = 0;
  let i: usize = 0;
  for (; i + 8 <= len; i += 8) {
    diff |= load<u64>(a + i) ^ load<u64>(b + i);
  }
  for (; i < len; i++) {
    diff |= <u64>(load<u8>(a + i) ^ load<u8>(b + i));
  }
  return diff == 0;
}
