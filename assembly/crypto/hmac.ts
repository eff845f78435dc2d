// HMAC-SHA256 (RFC 2104) with the key folded in ahead of time: the states
// after absorbing key^ipad and key^opad are kept per secret, so signing a
// short message costs two compressions.
import { sha256Compress, sha256CopyState, sha256Digest, sha256Finish, sha256Init } from './sha256';

/** Bytes of one precomputed key: inner state then outer state. */
export const HMAC_KEY_STATE_BYTES: usize = 64;

const KEY_BLOCK: usize = memory.data(64, 16);
const PAD_BLOCK: usize = memory.data(64, 16);
const WORK_STATE: usize = memory.data(32, 16);
const INNER_DIGEST: usize = memory.data(32, 16);

/** Precomputes the inner and outer states of `key` (`keyLen` bytes) into `keyState`. */
export function hmacPrepareKey(keyState: usize, key: usize, keyLen: usize): void {
  memory.fill(KEY_BLOCK, 0, 64);
  if (keyLen > 64) {
    // Keys longer than a block are replaced by their digest.
    sha256Init(WORK_STATE);
    sha256Finish(WORK_STATE, 0, key, keyLen);
    sha256Digest(WORK_STATE, KEY_BLOCK);
  } else {
    memory.copy(KEY_BLOCK, key, keyLen);
  }
  padInto(0x36363636);
  sha256Init(keyState);
  sha256Compress(keyState, PAD_BLOCK);
  padInto(0x5c5c5c5c);
  sha256Init(keyState + 32);
  sha256Compress(keyState + 32, PAD_BLOCK);
}

function padInto(pad: u32): void {
  for (let i: usize = 0; i < 64; i += 4) {
    store<u32>(PAD_BLOCK + i, load<u32>(KEY_BLOCK + i) ^ pad);
  }
}

/** HMAC-SHA256 of `len` bytes at `data` under a prepared key; the 32-byte MAC goes to `out`. */
export function hmacSha256(keyState: usize, data: usize, len: usize, out: usize): void {
  sha256CopyState(WORK_STATE, keyState);
  sha256Finish(WORK_STATE, 64, data, len);
  sha256Digest(WORK_STATE, INNER_DIGEST);
  sha256CopyState(WORK_STATE, keyState + 32);
  sha256Finish(WORK_STATE, 64, INNER_DIGEST, 32);
  sha256Digest(WORK_STATE, out);
}
