// Field offsets of the records the store keeps in linear memory.

/** Entry header; the key bytes follow it, then the value (JSON) bytes. */
export const E_LRU_PREV: u32 = 0;
export const E_LRU_NEXT: u32 = 4;
export const E_HASH_NEXT: u32 = 8;
export const E_HASH: u32 = 12;
export const E_EXPIRES: u32 = 16; // f64 epoch ms; +Infinity = never
export const E_STAMP: u32 = 24; // u64 global access counter, for LRU across shards
export const E_HEAP_POS: u32 = 32; // index in the shard's expiry heap, NO_HEAP when absent
export const E_KEY_LEN: u32 = 36;
export const E_VALUE_LEN: u32 = 40;
export const E_COOKIE_END: u32 = 44;
export const ENTRY_HEADER: u32 = 48;

export const NO_HEAP: u32 = 0xffffffff;

/** Shard record: its hash buckets, LRU list and expiry heap. */
export const S_BUCKETS: u32 = 0;
export const S_MASK: u32 = 4;
export const S_COUNT: u32 = 8;
export const S_HEAD: u32 = 12; // most recently used
export const S_TAIL: u32 = 16; // least recently used
export const S_HEAP: u32 = 20;
export const S_HEAP_LEN: u32 = 24;
export const S_HEAP_CAP: u32 = 28;
export const SHARD_SIZE: u32 = 32;

export const SHARD_BITS: u32 = 6;
export const SHARD_COUNT: u32 = 1 << SHARD_BITS;

/** Expiry heap slot: f64 expiry, u32 entry pointer (16 bytes with padding). */
export const H_EXPIRES: u32 = 0;
export const H_ENTRY: u32 = 8;
export const HEAP_SLOT: u32 = 16;

@inline export function keyPtr(entry: u32): u32 {
  return entry + ENTRY_HEADER;
}

@inline export function valuePtr(entry: u32): u32 {
  return entry + ENTRY_HEADER + load<u32>(entry, E_KEY_LEN);
}
