// Comparison of secret-dependent bytes (MACs) whose running time does not
// reveal where the first difference is.

/** Whether `len` bytes at `a` and `b` are equal, in time that depends on `len` only. */
export function equalConstantTime(a: usize, b: usize, len: usize): bool {
  let diff: u32 = 0;
  for (let i: usize = 0; i < len; i++) {
    diff |= <u32>(load<u8>(a + i) ^ load<u8>(b + i));
  }
  return diff == 0;
}
