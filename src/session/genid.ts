import { randomFillSync } from 'node:crypto';

const ID_BYTES = 24;
/** Random bytes fetched per system call: 340 IDs. */
const POOL_BYTES = ID_BYTES * 340;

const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let used = POOL_BYTES;

/**
 * The default session ID: 24 bytes (192 bits) from the CSPRNG as 32 URL-safe
 * base64 characters, the format of uid-safe's `sync(24)`. Bytes come from a
 * pool refilled by one system call per 340 IDs; each byte is used once.
 */
export function generateSessionId(): string {
  if (used === POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const start = used;
  used += ID_BYTES;
  return pool.toString('base64url', start, used);
}
