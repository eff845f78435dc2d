// The sharded index: per shard a chained hash table, an LRU list and an
// expiry heap (expiry-heap.ts), all inside the arena. Eviction picks the
// globally least recently used entry by comparing the shards' tail stamps,
// which sit together in one small array.
import { arenaAlloc, arenaBlockSize, arenaFree } from './arena';
import { heapPush, heapRemove } from './expiry-heap';
import { bytesEqual } from './hash';
import {
  E_EXPIRES, E_HASH, E_HASH_NEXT, E_HEAP_POS, E_KEY_LEN, E_LRU_NEXT, E_LRU_PREV, E_STAMP, HEAP_SLOT, keyPtr, NO_HEAP,
  S_BUCKETS, S_COUNT, S_HEAD, S_HEAP, S_HEAP_CAP, S_HEAP_LEN, S_MASK, S_TAIL, SHARD_BITS, SHARD_COUNT, SHARD_SIZE,
} from './layout';

const INITIAL_BUCKETS: u32 = 16;
const INITIAL_HEAP: u32 = 16;
const NEVER_USED: u64 = 0xffffffffffffffff;

export const shards: usize = memory.data(SHARD_COUNT * SHARD_SIZE);
/** Stamp of each shard's least recently used entry (NEVER_USED when empty). */
const tailStamps: usize = memory.data(SHARD_COUNT * 8);

/** Counters JS reads directly as a Float64Array. */
export const STATS_LENGTH: u32 = 8;
export const stats: usize = memory.data(STATS_LENGTH * 8);
export const STAT_HITS: u32 = 0;
export const STAT_MISSES: u32 = 1;
export const STAT_EVICTIONS: u32 = 2;
export const STAT_EXPIRATIONS: u32 = 3;
export const STAT_ENTRIES: u32 = 4;
export const STAT_BYTES: u32 = 5;

let clock: u64 = 0;
let maxEntries: u32 = 0;
/** An entry that eviction must skip while it is being copied. */
let pinned: u32 = 0;
/** A shard whose index must stay while an entry for it is being placed, even when it is empty. */
let keptShard: u32 = 0;

@inline export function count(stat: u32, delta: f64): void {
  const at = stats + (stat << 3);
  store<f64>(at, load<f64>(at) + delta);
}

@inline export function statValue(stat: u32): f64 {
  return load<f64>(stats + (stat << 3));
}

@inline export function shardFor(hash: u32): u32 {
  return <u32>shards + (hash >> (32 - SHARD_BITS)) * SHARD_SIZE;
}

@inline export function shardAt(index: u32): u32 {
  return <u32>shards + index * SHARD_SIZE;
}

@inline function bucketOf(shard: u32, hash: u32): u32 {
  return load<u32>(shard, S_BUCKETS) + ((hash & load<u32>(shard, S_MASK)) << 2);
}

/** Empties the index. Hit, miss, eviction and expiry counters survive a clear; the gauges do not. */
export function tableReset(entryLimit: u32): void {
  memory.fill(shards, 0, SHARD_COUNT * SHARD_SIZE);
  store<f64>(stats + (STAT_ENTRIES << 3), 0);
  store<f64>(stats + (STAT_BYTES << 3), 0);
  for (let i: u32 = 0; i < SHARD_COUNT; i++) store<u64>(tailStamps + (i << 3), NEVER_USED);
  clock = 0;
  pinned = 0;
  keptShard = 0;
  maxEntries = entryLimit;
}

export function setPinned(entry: u32): void {
  pinned = entry;
}

export function setKeptShard(shard: u32): void {
  keptShard = shard;
}

/**
 * Frees the bucket arrays and heaps of empty shards. They are spread through
 * the arena, so once eviction has emptied the store they are what stands
 * between a large session and one contiguous free block.
 */
function releaseEmptyIndexes(): bool {
  let released = false;
  for (let i: u32 = 0; i < SHARD_COUNT; i++) {
    const shard = shardAt(i);
    if (shard == keptShard || load<u32>(shard, S_COUNT) != 0) continue;
    const buckets = load<u32>(shard, S_BUCKETS);
    if (buckets != 0) {
      arenaFree(buckets);
      store<u32>(shard, 0, S_BUCKETS);
      store<u32>(shard, 0, S_MASK);
      released = true;
    }
    const heap = load<u32>(shard, S_HEAP);
    if (heap != 0) {
      arenaFree(heap);
      store<u32>(shard, 0, S_HEAP);
      store<u32>(shard, 0, S_HEAP_CAP);
      store<u32>(shard, 0, S_HEAP_LEN);
      released = true;
    }
  }
  return released;
}

export function find(shard: u32, hash: u32, key: usize, keyLen: u32): u32 {
  if (load<u32>(shard, S_BUCKETS) == 0) return 0;
  let entry = load<u32>(bucketOf(shard, hash));
  while (entry != 0) {
    if (load<u32>(entry, E_HASH) == hash && load<u32>(entry, E_KEY_LEN) == keyLen && bytesEqual(keyPtr(entry), key, keyLen)) {
      return entry;
    }
    entry = load<u32>(entry, E_HASH_NEXT);
  }
  return 0;
}

function refreshTailStamp(shard: u32): void {
  const tail = load<u32>(shard, S_TAIL);
  const index = (shard - <u32>shards) / SHARD_SIZE;
  store<u64>(tailStamps + (index << 3), tail != 0 ? load<u64>(tail, E_STAMP) : NEVER_USED);
}

function lruUnlink(shard: u32, entry: u32): void {
  const prev = load<u32>(entry, E_LRU_PREV);
  const next = load<u32>(entry, E_LRU_NEXT);
  if (prev != 0) store<u32>(prev, next, E_LRU_NEXT);
  else store<u32>(shard, next, S_HEAD);
  if (next != 0) store<u32>(next, prev, E_LRU_PREV);
  else store<u32>(shard, prev, S_TAIL);
}

function lruPushHead(shard: u32, entry: u32): void {
  const head = load<u32>(shard, S_HEAD);
  store<u32>(entry, 0, E_LRU_PREV);
  store<u32>(entry, head, E_LRU_NEXT);
  if (head != 0) store<u32>(head, entry, E_LRU_PREV);
  else store<u32>(shard, entry, S_TAIL);
  store<u32>(shard, entry, S_HEAD);
}

/**
 * Marks an entry as just used. An entry already among the most recent
 * quarter of accesses stays where it is (stamp included, so each shard's list
 * stays in stamp order): eviction only ever looks at the old end, and
 * skipping the move saves touching two random neighbours on hot reads.
 */
export function bump(shard: u32, entry: u32): void {
  const recent = <u64>(<u32>statValue(STAT_ENTRIES) >> 2);
  if (clock - load<u64>(entry, E_STAMP) < recent) return;
  const wasTail = load<u32>(shard, S_TAIL) == entry;
  store<u64>(entry, ++clock, E_STAMP);
  if (load<u32>(shard, S_HEAD) != entry) {
    lruUnlink(shard, entry);
    lruPushHead(shard, entry);
  }
  if (wasTail) refreshTailStamp(shard);
}

/** Unlinks an entry from every structure and frees it. */
export function removeEntry(shard: u32, entry: u32): void {
  const hash = load<u32>(entry, E_HASH);
  let link = bucketOf(shard, hash);
  let current = load<u32>(link);
  while (current != entry) {
    link = current + E_HASH_NEXT;
    current = load<u32>(link);
  }
  store<u32>(link, load<u32>(entry, E_HASH_NEXT));
  const wasTail = load<u32>(shard, S_TAIL) == entry;
  lruUnlink(shard, entry);
  if (wasTail) refreshTailStamp(shard);
  if (load<u32>(entry, E_HEAP_POS) != NO_HEAP) heapRemove(shard, entry);
  store<u32>(shard, load<u32>(shard, S_COUNT) - 1, S_COUNT);
  count(STAT_ENTRIES, -1);
  count(STAT_BYTES, -<f64>arenaBlockSize(entry));
  arenaFree(entry);
}

/** Evicts the least recently used entry of the whole store; false when nothing can go. */
export function evictOne(): bool {
  let best: u32 = SHARD_COUNT;
  let bestStamp: u64 = NEVER_USED;
  for (let i: u32 = 0; i < SHARD_COUNT; i++) {
    const stamp = load<u64>(tailStamps + (i << 3));
    if (stamp < bestStamp) {
      bestStamp = stamp;
      best = i;
    }
  }
  if (best == SHARD_COUNT) return false;
  const shard = shardAt(best);
  let victim = load<u32>(shard, S_TAIL);
  if (victim == pinned) victim = load<u32>(victim, E_LRU_PREV);
  if (victim == 0) {
    // Only the pinned entry is left in that shard: look at the others.
    for (let i: u32 = 0; i < SHARD_COUNT; i++) {
      const other = shardAt(i);
      let candidate = load<u32>(other, S_TAIL);
      if (candidate == pinned && candidate != 0) candidate = load<u32>(candidate, E_LRU_PREV);
      if (candidate != 0) {
        removeEntry(other, candidate);
        count(STAT_EVICTIONS, 1);
        return true;
      }
    }
    return false;
  }
  removeEntry(shard, victim);
  count(STAT_EVICTIONS, 1);
  return true;
}

/** Allocates, evicting least recently used entries while the arena is full; 0 when even an empty store cannot hold it. */
export function allocEvicting(size: u32): u32 {
  let indexesReleased = false;
  while (true) {
    const ptr = arenaAlloc(size);
    if (ptr != 0) return ptr;
    if (evictOne()) continue;
    if (indexesReleased || !releaseEmptyIndexes()) return 0;
    indexesReleased = true;
  }
}

/** Makes room for one more entry under `maxEntries`. */
export function enforceEntryLimit(): void {
  if (maxEntries == 0) return;
  while (<u32>statValue(STAT_ENTRIES) >= maxEntries) {
    if (!evictOne()) return;
  }
}

/** Ensures the shard's heap can take one more slot; false when memory cannot be found. */
export function reserveHeapSlot(shard: u32): bool {
  const len = load<u32>(shard, S_HEAP_LEN);
  const cap = load<u32>(shard, S_HEAP_CAP);
  if (len < cap) return true;
  const newCap = cap == 0 ? INITIAL_HEAP : cap * 2;
  const fresh = allocEvicting(newCap * HEAP_SLOT);
  if (fresh == 0) return false;
  // Eviction may have shrunk the heap meanwhile; copy what is there now.
  const old = load<u32>(shard, S_HEAP);
  const liveLen = load<u32>(shard, S_HEAP_LEN);
  if (old != 0) {
    memory.copy(fresh, old, liveLen * HEAP_SLOT);
    arenaFree(old);
  }
  store<u32>(shard, fresh, S_HEAP);
  store<u32>(shard, newCap, S_HEAP_CAP);
  return true;
}

/**
 * Makes sure the shard can link one more entry without allocating: buckets
 * exist and, for an expiring entry, the heap has a free slot. Done before the
 * entry itself is allocated, because evicting entries never returns this
 * capacity. False when even an emptied store has no room.
 */
export function prepareShard(shard: u32, expires: f64): bool {
  if (load<u32>(shard, S_BUCKETS) == 0) {
    const buckets = allocEvicting(INITIAL_BUCKETS * 4);
    if (buckets == 0) return false;
    memory.fill(buckets, 0, INITIAL_BUCKETS * 4);
    store<u32>(shard, buckets, S_BUCKETS);
    store<u32>(shard, INITIAL_BUCKETS - 1, S_MASK);
  }
  return expires == Infinity || reserveHeapSlot(shard);
}

/** Links a filled-in entry (hash, expiry, lengths, bytes) into a prepared shard as the most recently used. */
export function linkEntry(shard: u32, entry: u32): void {
  const bucket = bucketOf(shard, load<u32>(entry, E_HASH));
  store<u32>(entry, load<u32>(bucket), E_HASH_NEXT);
  store<u32>(bucket, entry);
  const wasEmpty = load<u32>(shard, S_HEAD) == 0;
  lruPushHead(shard, entry);
  store<u64>(entry, ++clock, E_STAMP);
  if (wasEmpty) refreshTailStamp(shard);
  store<u32>(entry, NO_HEAP, E_HEAP_POS);
  if (load<f64>(entry, E_EXPIRES) != Infinity) heapPush(shard, entry);
  store<u32>(shard, load<u32>(shard, S_COUNT) + 1, S_COUNT);
  count(STAT_ENTRIES, 1);
  count(STAT_BYTES, <f64>arenaBlockSize(entry));
  maybeGrowBuckets(shard);
}

/** Doubles the bucket array at load factor 1. Never evicts: longer chains are better than lost sessions. */
function maybeGrowBuckets(shard: u32): void {
  const mask = load<u32>(shard, S_MASK);
  if (load<u32>(shard, S_COUNT) <= mask + 1 || mask >= 0x3fffffff) return;
  const newSize = (mask + 1) * 2;
  const fresh = arenaAlloc(newSize * 4);
  if (fresh == 0) return;
  memory.fill(fresh, 0, newSize * 4);
  const old = load<u32>(shard, S_BUCKETS);
  const newMask = newSize - 1;
  for (let b: u32 = 0; b <= mask; b++) {
    let entry = load<u32>(old + (b << 2));
    while (entry != 0) {
      const next = load<u32>(entry, E_HASH_NEXT);
      const slot = fresh + ((load<u32>(entry, E_HASH) & newMask) << 2);
      store<u32>(entry, load<u32>(slot), E_HASH_NEXT);
      store<u32>(slot, entry);
      entry = next;
    }
  }
  arenaFree(old);
  store<u32>(shard, fresh, S_BUCKETS);
  store<u32>(shard, newMask, S_MASK);
}
