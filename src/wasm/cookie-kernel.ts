import { kernelOutOfMemory } from '../errors';
import { instantiateWasm } from './load';

/** The raw exports of build/cookie-kernel.wasm (assembly/cookie-kernel.ts): numbers in, numbers out. */
interface CookieKernelExports {
  memory: WebAssembly.Memory;
  inputPointer(): number;
  inputCapacity(): number;
  outputPointer(): number;
  resultPointer(): number;
  recordSize(nameLen: number, secretCount: number): number;
  allocateRecord(size: number): number;
  initRecord(record: number, nameLen: number, secretCount: number): void;
  prepareSecret(record: number, index: number, keyLen: number): void;
  readSessionCookie(record: number, len: number): number;
  unsignValue(record: number, len: number): number;
  signId(record: number, len: number): number;
  macRaw(record: number, index: number, len: number): void;
  ID_NONE: WebAssembly.Global;
  ID_IN_INPUT: WebAssembly.Global;
  ID_IN_OUTPUT: WebAssembly.Global;
  ID_ABSENT: WebAssembly.Global;
}

/** Returned by the read functions when the input needs the JavaScript path. */
export const USE_JS_PATH = null;

/**
 * Returned by readSessionCookie when the text holds no cookie of the
 * record's name (undefined means it holds one that does not verify).
 */
export const COOKIE_ABSENT = false;

/** Buffer's internal one-call writers and readers; present in every Node we support, checked at load. */
interface NodeBufferInternals {
  utf8Write(text: string, offset: number, length: number): number;
  latin1Slice(start: number, end: number): string;
}

/** Where a codec's name and precomputed secret states live in the kernel's memory. */
export interface KernelRecord {
  readonly pointer: number;
  readonly size: number;
}

const wasm = instantiateWasm('cookie-kernel', {
  env: {
    abort() {
      // Only an out-of-memory allocation of a record can abort.
      throw kernelOutOfMemory();
    },
  },
}).exports as unknown as CookieKernelExports;

const INPUT = wasm.inputPointer();
const INPUT_CAPACITY = wasm.inputCapacity();
const OUTPUT = wasm.outputPointer();
const RESULT_INDEX = wasm.resultPointer() >> 2;

// Outcomes of readSessionCookie / unsignValue, as assembly/cookie-kernel.ts exports them.
const ID_NONE: number = wasm.ID_NONE.value;
const ID_IN_INPUT: number = wasm.ID_IN_INPUT.value;
const ID_IN_OUTPUT: number = wasm.ID_IN_OUTPUT.value;
const ID_ABSENT: number = wasm.ID_ABSENT.value;

/**
 * Longest text the input buffer takes on the fast path. The 4 spare bytes
 * make `utf8Write`'s count a proof of ASCII: any non-ASCII character either
 * widens the output or stops it within 3 bytes of the end, so
 * `written === text.length` holds only when every character is ASCII.
 */
export const MAX_INPUT_CHARS = INPUT_CAPACITY - 4;

// Views over linear memory; rebuilt only after allocateRecord, the one export that can grow it.
let input!: Buffer & NodeBufferInternals;
let output!: Buffer & NodeBufferInternals;
let cells!: Int32Array;
let bytes!: Uint8Array;
refreshViews();

function refreshViews(): void {
  const buffer = wasm.memory.buffer;
  input = Buffer.from(buffer, INPUT, INPUT_CAPACITY) as Buffer & NodeBufferInternals;
  output = Buffer.from(buffer, OUTPUT, INPUT_CAPACITY) as Buffer & NodeBufferInternals;
  cells = new Int32Array(buffer);
  bytes = new Uint8Array(buffer);
}

if (typeof input.utf8Write !== 'function' || typeof input.latin1Slice !== 'function') {
  throw new Error('wasm-session: this Node.js lacks Buffer#utf8Write/latin1Slice');
}

/** Copies ASCII text into the input buffer; false when it is too long or not ASCII. */
function writeAscii(text: string): boolean {
  return text.length <= MAX_INPUT_CHARS && input.utf8Write(text, 0, INPUT_CAPACITY) === text.length;
}

// Records are recycled by size: codecs come and go (e.g. one per cookie-parser secret) with the same shapes.
const freeRecords = new Map<number, number[]>();

/**
 * Sets up a record for cookie `name` (ASCII) and raw secret keys (each at
 * most MAX_INPUT_CHARS bytes): two SHA-256 compressions per secret, once.
 */
export function createRecord(name: string, keys: readonly Uint8Array[]): KernelRecord {
  const size = wasm.recordSize(name.length, keys.length);
  let pointer = freeRecords.get(size)?.pop();
  if (pointer === undefined) {
    pointer = wasm.allocateRecord(size);
    refreshViews();
  }
  writeAscii(name);
  wasm.initRecord(pointer, name.length, keys.length);
  for (let i = 0; i < keys.length; i++) {
    input.set(keys[i]!, 0);
    wasm.prepareSecret(pointer, i, keys[i]!.length);
  }
  return { pointer, size };
}

/** Returns a record's memory for reuse; the record must not be used afterwards. */
export function releaseRecord(record: KernelRecord): void {
  // Wipe the key states so that no secret material lingers in reused memory.
  bytes.fill(0, record.pointer, record.pointer + record.size);
  let list = freeRecords.get(record.size);
  if (list === undefined) freeRecords.set(record.size, (list = []));
  list.push(record.pointer);
}

/**
 * The verified session ID in the record's first cookie of `text` (a whole
 * Cookie header or a run of its pairs); undefined when that cookie does not
 * verify; COOKIE_ABSENT when there is no such cookie; USE_JS_PATH when the
 * kernel cannot decide (non-ASCII, too long, or escapes of non-ASCII bytes).
 */
export function readSessionCookie(pointer: number, text: string): string | undefined | typeof COOKIE_ABSENT | typeof USE_JS_PATH {
  if (!writeAscii(text)) return USE_JS_PATH;
  const outcome = wasm.readSessionCookie(pointer, text.length);
  if (outcome === ID_ABSENT) return COOKIE_ABSENT;
  if (outcome === ID_NONE) return undefined;
  if (outcome === ID_IN_INPUT) return text.slice(cells[RESULT_INDEX], cells[RESULT_INDEX + 1]);
  if (outcome === ID_IN_OUTPUT) return output.latin1Slice(cells[RESULT_INDEX]!, cells[RESULT_INDEX + 1]!);
  return USE_JS_PATH;
}

/** Verifies a decoded `s:<id>.<mac>` value; false when it does not verify, USE_JS_PATH when not ASCII or too long. */
export function unsignValue(pointer: number, raw: string): string | false | typeof USE_JS_PATH {
  if (!writeAscii(raw)) return USE_JS_PATH;
  if (wasm.unsignValue(pointer, raw.length) === ID_NONE) return false;
  return raw.slice(cells[RESULT_INDEX], cells[RESULT_INDEX + 1]);
}

/** The signed cookie value of the last signId call, plain and as encodeURIComponent writes it. */
export interface SignedValue {
  /** `s:<id>.<mac>` */
  value: string;
  /** encodeURIComponent(value); undefined when the ID itself needs escaping (the caller escapes). */
  escaped: string | undefined;
}

const lastSigned: SignedValue = { value: '', escaped: undefined };

/**
 * Signs an ASCII `id` with the record's first secret; the returned object is
 * reused by the next call. USE_JS_PATH when the ID is not ASCII or too long.
 * Both strings are cut from one string read out of the kernel, so they are
 * flat (no concatenation to flatten when the header is written).
 */
export function signId(pointer: number, id: string): SignedValue | typeof USE_JS_PATH {
  if (!writeAscii(id)) return USE_JS_PATH;
  const written = wasm.signId(pointer, id.length);
  if (written === 0) return USE_JS_PATH;
  if (written < 0) {
    lastSigned.value = output.latin1Slice(0, -written);
    lastSigned.escaped = undefined;
  } else {
    const both = output.latin1Slice(0, written);
    const valueLength = id.length + SIGNED_VALUE_EXTRA_CHARS;
    lastSigned.value = both.slice(0, valueLength);
    lastSigned.escaped = both.slice(valueLength);
  }
  return lastSigned;
}

/** 's:' + '.' + the 43-char MAC around the ID. */
const SIGNED_VALUE_EXTRA_CHARS = 46;

/** HMAC-SHA256 of ASCII/latin1 `message` bytes under secret `index` of a record (for tests of the kernel itself). */
export function macOf(record: KernelRecord, index: number, message: Uint8Array): Uint8Array {
  input.set(message, 0);
  wasm.macRaw(record.pointer, index, message.length);
  return bytes.slice(OUTPUT, OUTPUT + 32);
}
