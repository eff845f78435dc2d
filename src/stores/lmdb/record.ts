import { endianness } from 'node:os';
import { corruptStoredEntry, sidNotStorable } from '../../errors';
import { sidFitsKey } from '../../format/stored-json';

/**
 * What the store keeps per session, in two databases of one environment:
 *
 * - `data`: the session's JSON text, UTF-8, as the middleware serialised it.
 *   Raw JSON is what both ends want: the middleware hands over text and parses
 *   text, so the store neither re-encodes nor decodes structure, and lmdb
 *   turns the bytes into a string natively. What counts as a readable session
 *   text is stored-json.ts's rule, the same for every store.
 * - `expiry`: 8 bytes, the expiry as a float64 in epoch ms in the host's byte
 *   order. Being the first 8 bytes of the value, lmdb's conditional writes can
 *   compare it as an entry "version" on its write thread: the sweeper removes
 *   a session only if its expiry is still past at commit time, so a touch from
 *   another process is never lost. A touch rewrites these 8 bytes only.
 */
export const EXPIRY_BYTES = 8;

const littleEndian = endianness() === 'LE';

export function encodeExpiry(expiresAt: number): Buffer {
  const bytes = Buffer.allocUnsafe(EXPIRY_BYTES);
  if (littleEndian) bytes.writeDoubleLE(expiresAt, 0);
  else bytes.writeDoubleBE(expiresAt, 0);
  return bytes;
}

/** The expiry in a stored record; NaN when the record is not 8 bytes (foreign or damaged). */
export function decodeExpiry(bytes: Uint8Array): number {
  if (bytes.length !== EXPIRY_BYTES) return NaN;
  const buf = bytes as Buffer;
  return littleEndian ? buf.readDoubleLE(0) : buf.readDoubleBE(0);
}

/** As decodeExpiry, but a damaged record is an ERR_SESSION_CORRUPT error for that session. */
export function expiryOrThrow(sid: string, bytes: Uint8Array): number {
  const expiresAt = decodeExpiry(bytes);
  if (Number.isNaN(expiresAt)) {
    throw corruptStoredEntry(sid, `expiry record has ${bytes.length} bytes, expected ${EXPIRY_BYTES} holding a number`);
  }
  return expiresAt;
}

/** lmdb's keys are at most 1978 bytes and its string keys cannot hold NUL. */
const MAX_KEY_BYTES = 1900;

export function isStorableSid(sid: unknown): sid is string {
  return typeof sid === 'string' && sid.length > 0 && sidFitsKey(sid, MAX_KEY_BYTES) && sid.indexOf('\u0000') === -1;
}

/** The ID as an lmdb key, or ERR_SESSION_ID_INVALID; MemoryStore's sidOrThrow has its engine's own limit. */
export function sidOrThrow(sid: unknown): string {
  if (isStorableSid(sid)) return sid;
  throw sidNotStorable(MAX_KEY_BYTES);
}
