// Byte search and copy sixteen bytes at a time. Callers must leave 15
// readable (and, for copies, writable) bytes after the end (the kernel's
// static buffers carry that slack): a vector load may look past `end`, and
// matches there are masked off.

/** The first `c` in [from, end), or -1. */
export function findByte(base: usize, from: usize, end: usize, c: u8): isize {
  const needle = i8x16.splat(c);
  for (let i = from; i < end; i += 16) {
    const hits = i8x16.bitmask(i8x16.eq(v128.load(base + i), needle));
    if (hits != 0) {
      const at = i + <usize>ctz(hits);
      return at < end ? <isize>at : -1;
    }
  }
  return -1;
}

/** The last `c` in [from, end), or -1. Reads nothing before `from`. */
export function findLastByte(base: usize, from: usize, end: usize, c: u8): isize {
  const needle = i8x16.splat(c);
  let i = end;
  while (i > from) {
    const chunk = i - from >= 16 ? i - 16 : from;
    const hits = i8x16.bitmask(i8x16.eq(v128.load(base + chunk), needle)) & ((1 << <i32>(i - chunk)) - 1);
    if (hits != 0) return <isize>(chunk + 31 - <usize>clz(hits));
    i = chunk;
  }
  return -1;
}

/** Copies `n` bytes in 16-byte steps; may write up to 15 bytes past dst + n, which later writes overtake. */
@inline export function copyBytes16(dst: usize, src: usize, n: usize): void {
  for (let j: usize = 0; j < n; j += 16) v128.store(dst + j, v128.load(src + j));
}
