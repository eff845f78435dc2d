// A two-level segregated-fit allocator (the TLSF scheme) over one growing
// region of linear memory, "the arena". The store runs with the stub runtime,
// so every block it keeps (entries, bucket arrays, expiry heaps) comes from
// here. Free neighbours coalesce at once, so a workload that shifts from small
// to large sessions reuses the space of the old ones instead of leaking it.
//
// Block layout: [u32 size|flags][u32 unused] payload…  (8-aligned, size
// includes the header). A free block keeps its list links in its first
// payload bytes and repeats its size in its last 4 bytes, so the block after
// it can find its start when merging backwards.

/** Bytes of a block's header, before the payload. */
export const HEADER: u32 = 8;
const FREE: u32 = 1;
const PREV_FREE: u32 = 2;
const FLAG_MASK: u32 = 7;
const MIN_BLOCK: u32 = 32;
const SL_BITS: u32 = 4;
const SL_COUNT: u32 = 1 << SL_BITS;
const FL_COUNT: u32 = 32;
const PAGE: u32 = 65536;
const ALL_BITS: u32 = 0xFFFFFFFF;
const MIN_GROWTH: u32 = 256 << 10;

const listHeads: usize = memory.data(FL_COUNT * SL_COUNT * 4);
const slMaps: usize = memory.data(FL_COUNT * 4);
let flMap: u32 = 0;

let arenaStart: u32 = 0;
/** Where the sentinel header sits: the arena's current end. */
let arenaEnd: u32 = 0;
/** The arena never grows past this address. */
let arenaLimit: u32 = 0;

@inline function sizeOf(block: u32): u32 {
  return load<u32>(block) & ~FLAG_MASK;
}

@inline function headIndex(fl: u32, sl: u32): usize {
  return listHeads + (((fl << SL_BITS) + sl) << 2);
}

@inline function firstLevel(size: u32): u32 {
  return 31 - clz<u32>(size);
}

@inline function secondLevel(size: u32, fl: u32): u32 {
  return (size >> (fl - SL_BITS)) & (SL_COUNT - 1);
}

function insertFree(block: u32, size: u32): void {
  const fl = firstLevel(size);
  const sl = secondLevel(size, fl);
  const head = headIndex(fl, sl);
  const next = load<u32>(head);
  store<u32>(block, size | FREE | (load<u32>(block) & PREV_FREE));
  store<u32>(block, 0, HEADER);
  store<u32>(block, next, HEADER + 4);
  if (next != 0) store<u32>(next, block, HEADER);
  store<u32>(head, block);
  flMap |= 1 << fl;
  store<u32>(slMaps + (fl << 2), load<u32>(slMaps + (fl << 2)) | (1 << sl));
  store<u32>(block + size - 4, size);
  const after = block + size;
  store<u32>(after, load<u32>(after) | PREV_FREE);
}

function removeFree(block: u32): void {
  const size = sizeOf(block);
  const fl = firstLevel(size);
  const sl = secondLevel(size, fl);
  const prev = load<u32>(block, HEADER);
  const next = load<u32>(block, HEADER + 4);
  if (next != 0) store<u32>(next, prev, HEADER);
  if (prev != 0) {
    store<u32>(prev, next, HEADER + 4);
    return;
  }
  const head = headIndex(fl, sl);
  store<u32>(head, next);
  if (next == 0) {
    const map = load<u32>(slMaps + (fl << 2)) & ~(1 << sl);
    store<u32>(slMaps + (fl << 2), map);
    if (map == 0) flMap &= ~(1 << fl);
  }
}

/** A free block of at least `size` bytes, or 0. Rounds up so that any block in the chosen list fits. */
function findFree(size: u32): u32 {
  let fl = firstLevel(size);
  const rounded = size + (1 << (fl - SL_BITS)) - 1;
  if (rounded < size) return 0;
  fl = firstLevel(rounded);
  const sl = secondLevel(rounded, fl);
  let slMap = load<u32>(slMaps + (fl << 2)) & (ALL_BITS << sl);
  if (slMap == 0) {
    const flMapAbove = fl + 1 < FL_COUNT ? flMap & (ALL_BITS << (fl + 1)) : 0;
    if (flMapAbove == 0) return 0;
    fl = ctz<u32>(flMapAbove);
    slMap = load<u32>(slMaps + (fl << 2));
  }
  return load<u32>(headIndex(fl, ctz<u32>(slMap)));
}

/** Marks a block free, merging it with free neighbours. */
function releaseBlock(block: u32): void {
  let size = sizeOf(block);
  const after = block + size;
  const afterHeader = load<u32>(after);
  if (afterHeader & FREE) {
    removeFree(after);
    size += afterHeader & ~FLAG_MASK;
  }
  if (load<u32>(block) & PREV_FREE) {
    const prevSize = load<u32>(block - 4);
    block -= prevSize;
    removeFree(block);
    size += prevSize;
  }
  store<u32>(block, size | (load<u32>(block) & PREV_FREE));
  insertFree(block, size);
}

/** Extends the arena so that its last free block holds at least `size` bytes; returns that block or 0. */
function grow(size: u32): u32 {
  const sentinel = arenaEnd;
  const lastFree: u32 = load<u32>(sentinel) & PREV_FREE ? sentinel - load<u32>(sentinel - 4) : 0;
  const have: u32 = lastFree != 0 ? sizeOf(lastFree) : 0;
  let needed: u32 = size > have ? size - have : 0;
  if (needed < MIN_BLOCK) needed = MIN_BLOCK;
  const room: u32 = arenaLimit - arenaEnd;
  if (needed > room) return 0;
  // Double the arena (up to its limit): every memory.grow gives JS a new ArrayBuffer,
  // which V8 may answer with a full GC, so a few large grows beat many small ones.
  // Pages of a grow that nothing has written yet take no RSS.
  let step = arenaEnd - arenaStart;
  if (step < MIN_GROWTH) step = MIN_GROWTH;
  let add = needed > step ? needed : step;
  if (add > room) add = room;
  add &= ~7;
  if (add < needed) return 0;
  const newEnd = <u64>arenaEnd + add + HEADER;
  const pagesHave = <u64>memory.size();
  const pagesNeeded = (newEnd + PAGE - 1) / PAGE;
  if (pagesNeeded > pagesHave) {
    if (memory.grow(<i32>(pagesNeeded - pagesHave)) < 0) return 0;
  }
  store<u32>(sentinel, add | (load<u32>(sentinel) & PREV_FREE));
  arenaEnd = sentinel + add;
  store<u32>(arenaEnd, HEADER);
  releaseBlock(sentinel);
  return lastFree != 0 ? lastFree : sentinel;
}

/** Empties the arena. Linear memory already grown stays with the instance and is reused. */
export function arenaReset(start: u32, limitBytes: u64): void {
  memory.fill(listHeads, 0, FL_COUNT * SL_COUNT * 4);
  memory.fill(slMaps, 0, FL_COUNT * 4);
  flMap = 0;
  arenaStart = (start + 7) & ~7;
  const maxEnd: u64 = 0xFFFF0000 - HEADER;
  const end = <u64>arenaStart + limitBytes;
  arenaLimit = <u32>(end < maxEnd ? end : maxEnd);
  arenaEnd = arenaStart;
  const pagesNeeded = (<u64>arenaEnd + HEADER + PAGE - 1) / PAGE;
  const have = <u64>memory.size();
  if (pagesNeeded > have) memory.grow(<i32>(pagesNeeded - have));
  store<u32>(arenaEnd, HEADER);
}

/** A block with at least `payload` usable bytes (8-aligned pointer), or 0 when the arena is at its limit. */
export function arenaAlloc(payload: u32): u32 {
  if (payload > 0xF0000000) return 0;
  let size = (payload + HEADER + 7) & ~7;
  if (size < MIN_BLOCK) size = MIN_BLOCK;
  let block = findFree(size);
  if (block == 0) {
    block = grow(size);
    if (block == 0) return 0;
  }
  removeFree(block);
  const total = sizeOf(block);
  const prevFree = load<u32>(block) & PREV_FREE;
  if (total - size >= MIN_BLOCK) {
    store<u32>(block, size | prevFree);
    const rest = block + size;
    store<u32>(rest, total - size);
    insertFree(rest, total - size);
  } else {
    store<u32>(block, total | prevFree);
    const after = block + total;
    store<u32>(after, load<u32>(after) & ~PREV_FREE);
  }
  return block + HEADER;
}

export function arenaFree(ptr: u32): void {
  releaseBlock(ptr - HEADER);
}

/** Usable bytes of an allocated block. */
@inline export function arenaCapacity(ptr: u32): u32 {
  return sizeOf(ptr - HEADER) - HEADER;
}

/** Bytes a block takes from the arena, header included. */
@inline export function arenaBlockSize(ptr: u32): u32 {
  return sizeOf(ptr - HEADER);
}

export function arenaUsedBytes(): u32 {
  return arenaEnd - arenaStart;
}
