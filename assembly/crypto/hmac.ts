// HMAC-SHA256 (RFC 2104) with the key folded in ahead of time: the states
// after absorbing key^ipad and key^opad are kept per secret, so signing a
// short message costs two compressions.
import { sha256Compress, sha256CopyState, sha256Digest, sha256Finish, sha256FinishBytes32, sha256FinishState32, sha256Init } from './sha256';

/** Bytes of one precomputed key: inner state then outer state. */
export const HMAC_KEY_STATE_BYTES: usize = 64;

const KEY_BLOCK: usize = memory.data(64, 16);
const PAD_BLOCK: usize = memory.data(64, 16);
const WORK_STATE: usize = memory.data(32, 16);
const OUTER_STATE: usize = memory.data(32, 16);

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
  if (len == 32) {
    // Default session IDs are 32 characters: the inner message is one
    // padded block, written straight from the ID's bytes.
    sha256FinishBytes32(WORK_STATE, data);
  } else {
    sha256Finish(WORK_STATE, 64, data, len);
  }
  // The inner digest's words are the outer message's words: no bytes in between.
  sha256CopyState(OUTER_STATE, keyState + 32);
  sha256FinishState32(OUTER_STATE, WORK_STATE);
  sha256Digest(OUTER_STATE, out);
}
