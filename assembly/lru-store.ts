// The MemoryStore engine: session JSON and its index in this instance's own
// linear memory, bounded, least-recently-used eviction, expiry heaps swept a
// shard at a time. JS talks to it through static buffers and numbers only:
// it writes the UTF-8 key (and value) into keyBuffer()/valueBuffer(), calls an
// export with lengths, and reads results from outBuffer() and statsBuffer().
import { arenaCapacity, arenaFree, arenaReset, arenaUsedBytes } from './store/arena';
import { cookieEnd } from './store/cookie-json';
import { heapExpired, heapPush, heapRemove, heapUpdate } from './store/expiry-heap';
import { hashBytes } from './store/hash';
import {
  E_COOKIE_END, E_EXPIRES, E_HASH, E_HEAP_POS, E_KEY_LEN, E_LRU_NEXT, E_VALUE_LEN, ENTRY_HEADER, keyPtr, NO_HEAP,
  S_HEAD, SHARD_COUNT, valuePtr,
} from './store/layout';
import {
  allocEvicting, bump, count, enforceEntryLimit, find, linkEntry, prepareShard, removeEntry, reserveHeapSlot, setKeptShard, setPinned,
  shardAt, shardFor, STAT_EXPIRATIONS, STAT_HITS, STAT_MISSES, stats, tableReset,
} from './store/table';

const KEY_CAPACITY: u32 = 8 << 10;
const VALUE_CAPACITY: u32 = 64 << 10;
const keyBuf: usize = memory.data(KEY_CAPACITY, 16);
const valueBuf: usize = memory.data(VALUE_CAPACITY, 16);
/** Results beyond the return value: [0] value length, or for iteration key ptr, key length, value ptr, value length. */
const out: usize = memory.data(16, 16);

let seed: u32 = 0;
let limitBytes: u64 = 0;
let entryLimit: u32 = 0;
/** A detached entry between reserve() and commit(): the large-value write path. */
let pending: u32 = 0;
let pendingShard: u32 = 0;
let iterShard: u32 = 0;
let iterEntry: u32 = 0;

export function keyBuffer(): u32 {
  return <u32>keyBuf;
}
export function keyCapacity(): u32 {
  return KEY_CAPACITY;
}
export function valueBuffer(): u32 {
  return <u32>valueBuf;
}
export function valueCapacity(): u32 {
  return VALUE_CAPACITY;
}
export function outBuffer(): u32 {
  return <u32>out;
}
export function statsBuffer(): u32 {
  return <u32>stats;
}
export function arenaBytes(): f64 {
  return <f64>arenaUsedBytes();
}

export function init(hashSeed: u32, maxBytes: f64, maxEntries: u32): void {
  seed = hashSeed;
  limitBytes = <u64>maxBytes;
  entryLimit = maxEntries;
  clear();
}

export function clear(): void {
  arenaReset(<u32>__heap_base, limitBytes);
  tableReset(entryLimit);
  pending = 0;
  iterEntry = 0;
  iterShard = SHARD_COUNT;
}

@inline function hashKey(keyLen: u32): u32 {
  return hashBytes(keyBuf, keyLen, seed);
}

/** Whether a new value can be written over the old one without wasting much of the block. */
@inline function fitsInPlace(entry: u32, need: u32): bool {
  const capacity = arenaCapacity(entry);
  const slack: u32 = need >> 2 > 64 ? need >> 2 : 64;
  return need <= capacity && capacity - need <= slack;
}

/** Moves an entry to a new expiry in its shard's heap (Infinity: out of the heap). */
function setExpiry(shard: u32, entry: u32, expires: f64): void {
  store<f64>(entry, expires, E_EXPIRES);
  if (load<u32>(entry, E_HEAP_POS) != NO_HEAP) {
    if (expires == Infinity) heapRemove(shard, entry);
    else heapUpdate(shard, entry);
    return;
  }
  if (expires == Infinity) return;
  setPinned(entry);
  const room = reserveHeapSlot(shard);
  setPinned(0);
  // Without a heap slot the entry still expires on read; only the sweep misses it.
  if (room) heapPush(shard, entry);
}

/** A fresh, unlinked entry holding the key from keyBuf; 0 when the store cannot hold it. */
function allocateEntry(shard: u32, hash: u32, keyLen: u32, valueLen: u32, expires: f64): u32 {
  enforceEntryLimit();
  // The entry first: if that empties the store, even this shard's index may go to make one large block.
  const entry = allocEvicting(ENTRY_HEADER + keyLen + valueLen);
  if (entry == 0) return 0;
  setKeptShard(shard);
  const prepared = prepareShard(shard, expires);
  setKeptShard(0);
  if (!prepared) {
    arenaFree(entry);
    return 0;
  }
  store<u32>(entry, hash, E_HASH);
  store<f64>(entry, expires, E_EXPIRES);
  store<u32>(entry, keyLen, E_KEY_LEN);
  store<u32>(entry, valueLen, E_VALUE_LEN);
  memory.copy(keyPtr(entry), keyBuf, keyLen);
  return entry;
}

/** Upserts keyBuf[0..keyLen) → valueBuf[0..valueLen). Returns 1, or 0 when the store cannot hold it. */
export function set(keyLen: u32, valueLen: u32, expires: f64): i32 {
  const hash = hashKey(keyLen);
  const shard = shardFor(hash);
  const existing = find(shard, hash, keyBuf, keyLen);
  if (existing != 0) {
    if (fitsInPlace(existing, ENTRY_HEADER + keyLen + valueLen)) {
      memory.copy(valuePtr(existing), valueBuf, valueLen);
      store<u32>(existing, valueLen, E_VALUE_LEN);
      store<u32>(existing, cookieEnd(valueBuf, valueLen), E_COOKIE_END);
      setExpiry(shard, existing, expires);
      bump(shard, existing);
      return 1;
    }
    removeEntry(shard, existing);
  }
  const entry = allocateEntry(shard, hash, keyLen, valueLen, expires);
  if (entry == 0) return 0;
  memory.copy(valuePtr(entry), valueBuf, valueLen);
  store<u32>(entry, cookieEnd(valueBuf, valueLen), E_COOKIE_END);
  linkEntry(shard, entry);
  return 1;
}

/**
 * The large-value write: replaces any entry for the key with a detached one
 * and returns where JS should encode the value, or 0 when it cannot be held.
 * JS then calls commit() (or abandon()).
 */
export function reserve(keyLen: u32, valueLen: u32, expires: f64): u32 {
  abandon();
  const hash = hashKey(keyLen);
  const shard = shardFor(hash);
  const existing = find(shard, hash, keyBuf, keyLen);
  if (existing != 0) removeEntry(shard, existing);
  const entry = allocateEntry(shard, hash, keyLen, valueLen, expires);
  if (entry == 0) return 0;
  pending = entry;
  pendingShard = shard;
  return valuePtr(entry);
}

export function commit(): void {
  if (pending == 0) return;
  store<u32>(pending, cookieEnd(valuePtr(pending), load<u32>(pending, E_VALUE_LEN)), E_COOKIE_END);
  linkEntry(pendingShard, pending);
  pending = 0;
}

export function abandon(): void {
  if (pending == 0) return;
  arenaFree(pending);
  pending = 0;
}

/** Finds a live entry, dropping it when it has expired. */
function findLive(shard: u32, hash: u32, keyLen: u32, now: f64): u32 {
  const entry = find(shard, hash, keyBuf, keyLen);
  if (entry == 0) return 0;
  if (load<f64>(entry, E_EXPIRES) <= now) {
    removeEntry(shard, entry);
    count(STAT_EXPIRATIONS, 1);
    return 0;
  }
  return entry;
}

/** Pointer to the value of keyBuf[0..keyLen), length in out[0]; 0 when absent or expired. */
export function get(keyLen: u32, now: f64): u32 {
  const hash = hashKey(keyLen);
  const shard = shardFor(hash);
  const entry = findLive(shard, hash, keyLen, now);
  if (entry == 0) {
    count(STAT_MISSES, 1);
    return 0;
  }
  count(STAT_HITS, 1);
  bump(shard, entry);
  store<u32>(out, load<u32>(entry, E_VALUE_LEN));
  return valuePtr(entry);
}

/**
 * As get, but not a use: neither the LRU order nor the hit and miss counters
 * move (an expired entry is still dropped). For the store's own look-ups: the
 * merge on save reads what is stored now, the per-user index checks that its
 * entries are alive.
 */
export function peek(keyLen: u32, now: f64): u32 {
  const hash = hashKey(keyLen);
  const entry = findLive(shardFor(hash), hash, keyLen, now);
  if (entry == 0) return 0;
  store<u32>(out, load<u32>(entry, E_VALUE_LEN));
  return valuePtr(entry);
}

const TOUCHED: i32 = 1;
const TOUCH_ABSENT: i32 = 0;
const TOUCH_NEEDS_REWRITE: i32 = -1;
const TOUCH_NO_ROOM: i32 = -2;

/**
 * Replaces the stored cookie with the one at the start of valueBuf (a whole
 * session's JSON or just `{"cookie":{…}`) and sets the new expiry; the data
 * after the cookie stays as stored. TOUCH_NEEDS_REWRITE when either text has
 * no leading object cookie to splice.
 */
export function touch(keyLen: u32, valueLen: u32, expires: f64, now: f64): i32 {
  const hash = hashKey(keyLen);
  const shard = shardFor(hash);
  let entry = findLive(shard, hash, keyLen, now);
  if (entry == 0) return TOUCH_ABSENT;
  const newEnd = cookieEnd(valueBuf, valueLen);
  const oldEnd = load<u32>(entry, E_COOKIE_END);
  if (newEnd == 0 || oldEnd == 0) return TOUCH_NEEDS_REWRITE;
  const tailLen = load<u32>(entry, E_VALUE_LEN) - oldEnd;
  const newLen = newEnd + tailLen;
  const need = ENTRY_HEADER + keyLen + newLen;
  if (need <= arenaCapacity(entry)) {
    const value = valuePtr(entry);
    if (newEnd != oldEnd) memory.copy(value + newEnd, value + oldEnd, tailLen);
    memory.copy(value, valueBuf, newEnd);
  } else {
    setPinned(entry);
    const moved = allocEvicting(need);
    setPinned(0);
    if (moved == 0) return TOUCH_NO_ROOM;
    memory.copy(moved, entry, ENTRY_HEADER + keyLen);
    memory.copy(valuePtr(moved) + newEnd, valuePtr(entry) + oldEnd, tailLen);
    memory.copy(valuePtr(moved), valueBuf, newEnd);
    removeEntry(shard, entry);
    entry = moved;
    store<f64>(entry, Infinity, E_EXPIRES);
    linkEntry(shard, entry);
  }
  store<u32>(entry, newLen, E_VALUE_LEN);
  store<u32>(entry, newEnd, E_COOKIE_END);
  setExpiry(shard, entry, expires);
  bump(shard, entry);
  return TOUCHED;
}

/** Deletes keyBuf[0..keyLen); 1 when it was there. */
export function remove(keyLen: u32): i32 {
  const hash = hashKey(keyLen);
  const shard = shardFor(hash);
  const entry = find(shard, hash, keyBuf, keyLen);
  if (entry == 0) return 0;
  removeEntry(shard, entry);
  return 1;
}

/** Drops up to `budget` expired entries of one shard; returns how many went. */
export function sweep(shardIndex: u32, now: f64, budget: u32): u32 {
  const shard = shardAt(shardIndex % SHARD_COUNT);
  let removed: u32 = 0;
  while (removed < budget) {
    const entry = heapExpired(shard, now);
    if (entry == 0) break;
    removeEntry(shard, entry);
    count(STAT_EXPIRATIONS, 1);
    removed++;
  }
  return removed;
}

export function shardCount(): u32 {
  return SHARD_COUNT;
}

/** Starts a walk over every entry (shard by shard, most recently used first). */
export function iterStart(): void {
  iterShard = 0;
  iterEntry = load<u32>(shardAt(0), S_HEAD);
}

/**
 * The next live entry of the walk, or 0 at the end; out[] = key ptr, key
 * length, value ptr, value length. Expired entries met on the way are dropped.
 * The walk is valid only while nothing else changes the store.
 */
export function iterNext(now: f64): u32 {
  while (true) {
    while (iterEntry == 0) {
      if (++iterShard >= SHARD_COUNT) return 0;
      iterEntry = load<u32>(shardAt(iterShard), S_HEAD);
    }
    const entry = iterEntry;
    iterEntry = load<u32>(entry, E_LRU_NEXT);
    if (load<f64>(entry, E_EXPIRES) <= now) {
      removeEntry(shardAt(iterShard), entry);
      count(STAT_EXPIRATIONS, 1);
      continue;
    }
    store<u32>(out, keyPtr(entry));
    store<u32>(out, load<u32>(entry, E_KEY_LEN), 4);
    store<u32>(out, valuePtr(entry), 8);
    store<u32>(out, load<u32>(entry, E_VALUE_LEN), 12);
    return entry;
  }
}
