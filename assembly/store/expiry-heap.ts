// Each shard's expiry order: a binary min-heap of (expiresAt, entry) slots.
// Entries remember their slot (E_HEAP_POS), so touch and delete are O(log n)
// and a sweep pops only what has expired. Capacity is managed by the caller
// (table.ts), which can evict to make room; nothing here allocates.
import { E_EXPIRES, E_HEAP_POS, H_ENTRY, H_EXPIRES, HEAP_SLOT, NO_HEAP, S_HEAP, S_HEAP_LEN } from './layout';

@inline function slotAt(heap: u32, i: u32): u32 {
  return heap + i * HEAP_SLOT;
}

@inline function place(heap: u32, i: u32, expires: f64, entry: u32): void {
  const slot = slotAt(heap, i);
  store<f64>(slot, expires, H_EXPIRES);
  store<u32>(slot, entry, H_ENTRY);
  store<u32>(entry, i, E_HEAP_POS);
}

function siftUp(heap: u32, i: u32, expires: f64, entry: u32): void {
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const parentSlot = slotAt(heap, parent);
    const parentExpires = load<f64>(parentSlot, H_EXPIRES);
    if (parentExpires <= expires) break;
    place(heap, i, parentExpires, load<u32>(parentSlot, H_ENTRY));
    i = parent;
  }
  place(heap, i, expires, entry);
}

function siftDown(heap: u32, len: u32, i: u32, expires: f64, entry: u32): void {
  while (true) {
    let child: u32 = 2 * i + 1;
    if (child >= len) break;
    let childExpires = load<f64>(slotAt(heap, child), H_EXPIRES);
    if (child + 1 < len) {
      const rightExpires = load<f64>(slotAt(heap, child + 1), H_EXPIRES);
      if (rightExpires < childExpires) {
        child++;
        childExpires = rightExpires;
      }
    }
    if (expires <= childExpires) break;
    place(heap, i, childExpires, load<u32>(slotAt(heap, child), H_ENTRY));
    i = child;
  }
  place(heap, i, expires, entry);
}

/** Adds an entry; the caller has made sure the heap has room for one more slot. */
export function heapPush(shard: u32, entry: u32): void {
  const len = load<u32>(shard, S_HEAP_LEN);
  store<u32>(shard, len + 1, S_HEAP_LEN);
  siftUp(load<u32>(shard, S_HEAP), len, load<f64>(entry, E_EXPIRES), entry);
}

export function heapRemove(shard: u32, entry: u32): void {
  const pos = load<u32>(entry, E_HEAP_POS);
  store<u32>(entry, NO_HEAP, E_HEAP_POS);
  const heap = load<u32>(shard, S_HEAP);
  const last = load<u32>(shard, S_HEAP_LEN) - 1;
  store<u32>(shard, last, S_HEAP_LEN);
  if (pos == last) return;
  const lastSlot = slotAt(heap, last);
  const movedExpires = load<f64>(lastSlot, H_EXPIRES);
  const moved = load<u32>(lastSlot, H_ENTRY);
  reposition(heap, last, pos, movedExpires, moved);
}

/** Moves an entry already in the heap to its new expiry. */
export function heapUpdate(shard: u32, entry: u32): void {
  const heap = load<u32>(shard, S_HEAP);
  const len = load<u32>(shard, S_HEAP_LEN);
  reposition(heap, len, load<u32>(entry, E_HEAP_POS), load<f64>(entry, E_EXPIRES), entry);
}

function reposition(heap: u32, len: u32, pos: u32, expires: f64, entry: u32): void {
  if (pos > 0 && load<f64>(slotAt(heap, (pos - 1) >> 1), H_EXPIRES) > expires) {
    siftUp(heap, pos, expires, entry);
  } else {
    siftDown(heap, len, pos, expires, entry);
  }
}

/** The entry that expires first, or 0 when none expires by `now`. */
export function heapExpired(shard: u32, now: f64): u32 {
  if (load<u32>(shard, S_HEAP_LEN) == 0) return 0;
  const top = load<u32>(shard, S_HEAP);
  return load<f64>(top, H_EXPIRES) <= now ? load<u32>(top, H_ENTRY) : 0;
}
