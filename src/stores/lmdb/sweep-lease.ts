import { randomBytes } from 'node:crypto';
import { conditionalWrite, type LmdbEnvironment } from './open-env';
import { decodeExpiry, EXPIRY_BYTES, encodeExpiry } from './record';

const LEASE_KEY = 'sweep-lease';
const TOKEN_BYTES = 16;
/** until (f64, first so lmdb compares it as the version) | pid (f64) | owner token. */
const LEASE_BYTES = 16 + TOKEN_BYTES;

/** Who holds the sweeping lease, as read from the database. */
export interface LeaseHolder {
  pid: number;
  until: number;
  mine: boolean;
}

/**
 * The right to sweep, shared by every thread and process on the path: one
 * record with the holder's deadline, pid and a random per-store token. It is
 * taken or renewed by a conditional write that succeeds only if the record is
 * still what was read (absent, or the same deadline), so two contenders can
 * never both win. A holder that dies simply lets the deadline pass.
 */
export class SweepLease {
  /** Identifies the holder; a sweep worker thread passes its store's token to act as that store. */
  readonly token: Buffer;
  readonly durationMs: number;
  private readonly env: LmdbEnvironment;

  constructor(env: LmdbEnvironment, durationMs: number, token: Uint8Array = randomBytes(TOKEN_BYTES)) {
    this.env = env;
    this.durationMs = durationMs;
    this.token = Buffer.from(token);
  }

  holder(): LeaseHolder | undefined {
    this.env.root.resetReadTxn();
    const bytes = this.env.meta.getBinary(LEASE_KEY);
    if (bytes === undefined || bytes.length !== LEASE_BYTES) return undefined;
    return {
      until: decodeExpiry(bytes.subarray(0, EXPIRY_BYTES)),
      pid: bytes.readDoubleLE(8),
      mine: this.token.equals(bytes.subarray(16)),
    };
  }

  /** Takes the lease, or renews it if already ours; false when another live holder has it. */
  async acquire(): Promise<boolean> {
    const { meta } = this.env;
    const now = Date.now();
    const current = this.holder();
    if (current !== undefined && current.until > now && !current.mine) return false;
    const record = this.encode(now + this.durationMs);
    if (current === undefined) {
      // Absent or unreadable: replace it only if nobody wrote one meanwhile
      // (an unreadable record is overwritten by the first contender to see it).
      const raw = meta.getBinary(LEASE_KEY);
      if (raw === undefined) return meta.ifNoExists(LEASE_KEY, () => meta.put(LEASE_KEY, record));
      if (raw.length < EXPIRY_BYTES) {
        // Too short to compare as a version: drop it; the next round competes for a clean lease.
        await meta.remove(LEASE_KEY);
        return false;
      }
      return conditionalWrite(meta)(LEASE_KEY, decodeExpiry(raw.subarray(0, EXPIRY_BYTES)), () => meta.put(LEASE_KEY, record));
    }
    return conditionalWrite(meta)(LEASE_KEY, current.until, () => meta.put(LEASE_KEY, record));
  }

  /** Gives the lease up if it is still ours, so another process need not wait for the deadline. */
  async release(): Promise<void> {
    const current = this.holder();
    if (current === undefined || !current.mine) return;
    const { meta } = this.env;
    await conditionalWrite(meta)(LEASE_KEY, current.until, () => meta.remove(LEASE_KEY));
  }

  private encode(until: number): Buffer {
    const record = Buffer.allocUnsafe(LEASE_BYTES);
    // Same layout as an expiry record, so lmdb's version comparison reads it the same way.
    record.set(encodeExpiry(until), 0);
    record.writeDoubleLE(process.pid, 8);
    this.token.copy(record, 16);
    return record;
  }
}

