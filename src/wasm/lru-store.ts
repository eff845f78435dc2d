import { randomInt } from 'node:crypto';
import { instantiateWasm } from './load';

/** The exports of build/lru-store.wasm (assembly/lru-store.ts): numbers in, numbers out. */
interface LruStoreExports {
  memory: WebAssembly.Memory;
  keyBuffer(): number;
  keyCapacity(): number;
  valueBuffer(): number;
  valueCapacity(): number;
  outBuffer(): number;
  statsBuffer(): number;
  arenaBytes(): number;
  shardCount(): number;
  init(seed: number, maxBytes: number, maxEntries: number): void;
  clear(): void;
  set(keyLen: number, valueLen: number, expires: number): number;
  reserve(keyLen: number, valueLen: number, expires: number): number;
  commit(): void;
  abandon(): void;
  get(keyLen: number, now: number): number;
  peek(keyLen: number, now: number): number;
  touch(keyLen: number, valueLen: number, expires: number, now: number): number;
  remove(keyLen: number): number;
  sweep(shard: number, now: number, budget: number): number;
  iterStart(): void;
  iterNext(now: number): number;
}

/** What `touch` found; mirrors the constants of assembly/lru-store.ts. */
export const TOUCHED = 1;
export const TOUCH_ABSENT = 0;
/** The stored or the new text has no leading `{"cookie":{…}` to splice: rewrite the whole session instead. */
export const TOUCH_NEEDS_REWRITE = -1;
export const TOUCH_NO_ROOM = -2;

/** Thrown by the engine; the store turns these into its coded errors. */
export class EngineLimitError extends Error {
  constructor(
    readonly kind: 'key' | 'value',
    readonly bytes: number,
  ) {
    super(`${kind} of ${bytes} bytes does not fit`);
  }
}

export interface LruEngineStats {
  hits: number;
  misses: number;
  evictions: number;
  expirations: number;
  entries: number;
  /** Bytes the sessions take in the arena (headers, keys and JSON). */
  bytes: number;
  /** Bytes of the arena handed out so far (sessions, index, free blocks), at most maxBytes. */
  arenaBytes: number;
  /** Size of the instance's linear memory. */
  memoryBytes: number;
}

// Offsets in the stats Float64Array, as in assembly/store/table.ts.
const STAT_HITS = 0;
const STAT_MISSES = 1;
const STAT_EVICTIONS = 2;
const STAT_EXPIRATIONS = 3;
const STAT_ENTRIES = 4;
const STAT_BYTES = 5;
const STATS_LENGTH = 8;
const ENTRY_OVERHEAD = 48 + 8;
const ALL = 0xffffffff;

type WellFormedString = string & { isWellFormed(): boolean };

/**
 * Node's own UTF-8 methods behind Buffer#write and #toString, without their
 * argument juggling (present in every supported Node; not in @types/node).
 */
interface Utf8Buffer extends Buffer {
  utf8Write(text: string, offset: number, length: number): number;
  utf8Slice(start: number, end: number): string;
}

/**
 * One Wasm instance of the LRU store and the byte plumbing around it: keys and
 * values go in as UTF-8 through the module's static buffers (or, for a value
 * too big for them, straight into its reserved entry), come out as strings
 * decoded from linear memory. Views are rebuilt whenever memory grew.
 */
export class LruStoreEngine {
  private readonly wasm: LruStoreExports;
  private readonly memory: WebAssembly.Memory;
  private buffer: ArrayBuffer;
  private bytes: Utf8Buffer;
  private out: Uint32Array;
  private statsView: Float64Array;
  private readonly keyPtr: number;
  readonly keyCapacity: number;
  private readonly valuePtr: number;
  private readonly valueCapacity: number;
  private readonly outIndex: number;
  private readonly statsPtr: number;
  readonly shards: number;
  private lastKey: string | undefined;
  private lastKeyLength = 0;

  constructor(
    readonly maxBytes: number,
    maxEntries: number,
  ) {
    this.wasm = instantiateWasm('lru-store').exports as unknown as LruStoreExports;
    const wasm = this.wasm;
    this.memory = wasm.memory;
    this.keyPtr = wasm.keyBuffer() >>> 0;
    this.keyCapacity = wasm.keyCapacity();
    this.valuePtr = wasm.valueBuffer() >>> 0;
    this.valueCapacity = wasm.valueCapacity();
    this.outIndex = (wasm.outBuffer() >>> 0) >>> 2;
    this.statsPtr = wasm.statsBuffer() >>> 0;
    this.shards = wasm.shardCount();
    wasm.init(randomInt(0, 2 ** 32 - 1), maxBytes, maxEntries === Infinity ? 0 : maxEntries);
    this.buffer = this.memory.buffer;
    this.bytes = Buffer.from(this.buffer) as Utf8Buffer;
    this.out = new Uint32Array(this.buffer);
    this.statsView = new Float64Array(this.buffer, this.statsPtr, STATS_LENGTH);
  }

  /** The byte view of linear memory, rebuilt after memory.grow detached the old buffer. */
  private view(): Utf8Buffer {
    if (this.memory.buffer !== this.buffer) {
      this.buffer = this.memory.buffer;
      this.bytes = Buffer.from(this.buffer) as Utf8Buffer;
      this.out = new Uint32Array(this.buffer);
      this.statsView = new Float64Array(this.buffer, this.statsPtr, STATS_LENGTH);
    }
    return this.bytes;
  }

  /**
   * Writes the key into the key buffer; returns its byte length. The buffer
   * still holds the previous key, so a request's write after its read (same
   * ID) skips encoding.
   */
  private putKey(sid: string): number {
    const bytes = this.view();
    if (sid === this.lastKey) return this.lastKeyLength;
    const length = this.encodeKey(bytes, sid);
    this.lastKey = sid;
    this.lastKeyLength = length;
    return length;
  }

  private encodeKey(bytes: Utf8Buffer, sid: string): number {
    if (sid.length * 3 > this.keyCapacity) {
      const exact = Buffer.byteLength(sid);
      if (exact > this.keyCapacity) throw new EngineLimitError('key', exact);
    }
    if ((sid as WellFormedString).isWellFormed()) return bytes.utf8Write(sid, this.keyPtr, this.keyCapacity);
    // Lone surrogates would all become U+FFFD in UTF-8 and collide; WTF-8 keeps them distinct.
    const wtf8 = encodeWtf8(sid);
    if (wtf8.length > this.keyCapacity) throw new EngineLimitError('key', wtf8.length);
    bytes.set(wtf8, this.keyPtr);
    return wtf8.length;
  }

  /** The stored JSON text, or undefined when absent or expired. */
  read(sid: string, now: number): string | undefined {
    const keyLen = this.putKey(sid);
    const ptr = this.wasm.get(keyLen, now) >>> 0;
    if (ptr === 0) return undefined;
    return this.bytes.utf8Slice(ptr, ptr + this.out[this.outIndex]!);
  }

  /** As read, but not counted as a use: the LRU order and the hit and miss counters stay as they are. */
  peek(sid: string, now: number): string | undefined {
    const ptr = this.wasm.peek(this.putKey(sid), now) >>> 0;
    if (ptr === 0) return undefined;
    return this.view().utf8Slice(ptr, ptr + this.out[this.outIndex]!);
  }

  /** Whether a session is stored and live, without counting a use. */
  has(sid: string, now: number): boolean {
    return this.wasm.peek(this.putKey(sid), now) !== 0;
  }

  /** Upserts a session's JSON; `expires` is epoch ms or Infinity. Throws EngineLimitError when it cannot be held. */
  write(sid: string, json: string, expires: number): void {
    const keyLen = this.putKey(sid);
    const bytes = this.bytes;
    if (json.length * 3 <= this.valueCapacity) {
      const valueLen = bytes.utf8Write(json, this.valuePtr, this.valueCapacity);
      if (this.wasm.set(keyLen, valueLen, expires) === 0) throw new EngineLimitError('value', valueLen);
      return;
    }
    const valueLen = Buffer.byteLength(json);
    if (valueLen + keyLen + ENTRY_OVERHEAD > this.maxBytes) throw new EngineLimitError('value', valueLen);
    if (valueLen <= this.valueCapacity) {
      bytes.utf8Write(json, this.valuePtr, this.valueCapacity);
      if (this.wasm.set(keyLen, valueLen, expires) === 0) throw new EngineLimitError('value', valueLen);
      return;
    }
    const ptr = this.wasm.reserve(keyLen, valueLen, expires) >>> 0;
    if (ptr === 0) throw new EngineLimitError('value', valueLen);
    try {
      this.view().utf8Write(json, ptr, valueLen);
    } catch (err) {
      this.wasm.abandon();
      throw err;
    }
    this.wasm.commit();
  }

  /**
   * Replaces the stored cookie with the one leading `text` (a whole session's
   * JSON, or `{"cookie":{…}`) and sets the new expiry. Returns one of the
   * TOUCH_* results.
   */
  touch(sid: string, text: string, expires: number, now: number): number {
    const keyLen = this.putKey(sid);
    // Only the leading cookie is spliced, so a long text needs no more than its head.
    const head = text.length * 3 > this.valueCapacity ? text.slice(0, Math.floor(this.valueCapacity / 3)) : text;
    const valueLen = this.bytes.utf8Write(head, this.valuePtr, this.valueCapacity);
    return this.wasm.touch(keyLen, valueLen, expires, now);
  }

  /** Deletes a session; true when it was stored. */
  remove(sid: string): boolean {
    return this.wasm.remove(this.putKey(sid)) === 1;
  }

  /** Drops up to `budget` expired sessions of one shard. */
  sweep(shard: number, now: number, budget: number): number {
    return this.wasm.sweep(shard, now, budget);
  }

  /** Drops every expired session. */
  sweepAll(now: number): void {
    for (let shard = 0; shard < this.shards; shard++) this.wasm.sweep(shard, now, ALL);
  }

  /** Calls `visit` with each live session's ID and JSON; expired ones met on the way are dropped. */
  forEach(now: number, visit: (sid: string, json: string) => void): void {
    const wasm = this.wasm;
    const bytes = this.view();
    const out = this.out;
    const at = this.outIndex;
    wasm.iterStart();
    while (wasm.iterNext(now) !== 0) {
      const keyPtr = out[at]!;
      const valuePtr = out[at + 2]!;
      visit(decodeKey(bytes, keyPtr, keyPtr + out[at + 1]!), bytes.utf8Slice(valuePtr, valuePtr + out[at + 3]!));
    }
  }

  clear(): void {
    this.wasm.clear();
  }

  stats(): LruEngineStats {
    this.view();
    const s = this.statsView;
    return {
      hits: s[STAT_HITS]!,
      misses: s[STAT_MISSES]!,
      evictions: s[STAT_EVICTIONS]!,
      expirations: s[STAT_EXPIRATIONS]!,
      entries: s[STAT_ENTRIES]!,
      bytes: s[STAT_BYTES]!,
      arenaBytes: this.wasm.arenaBytes(),
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  get entries(): number {
    this.view();
    return this.statsView[STAT_ENTRIES]!;
  }
}

/** Keys decode as UTF-8; a U+FFFD in the result may be a lone surrogate stored as WTF-8. */
function decodeKey(bytes: Utf8Buffer, start: number, end: number): string {
  const text = bytes.utf8Slice(start, end);
  return text.indexOf('\ufffd') === -1 ? text : decodeWtf8(bytes, start, end);
}

/** UTF-8 that also encodes unpaired surrogates (as 3-byte sequences), so every JS string has its own bytes. */
export function encodeWtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 0x3f);
        out[n++] = 0x80 | ((c >> 6) & 0x3f);
        out[n++] = 0x80 | (c & 0x3f);
        continue;
      }
    }
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, n);
}

/** The inverse of encodeWtf8 (input always comes from it or from UTF-8). */
export function decodeWtf8(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  for (let i = start; i < end; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units.push(b);
      i += 1;
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if (b < 0xf0) {
      units.push(((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      const c = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      units.push(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
      i += 4;
    }
  }
  let text = '';
  for (let i = 0; i < units.length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096));
  return text;
}
