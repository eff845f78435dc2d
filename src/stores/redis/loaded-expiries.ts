/**
 * The expiry of session keys in Redis as this process last saw it: read
 * with PTTL beside a GET (same round trip), or set by its own EXPIRE. A
 * touch within the same second of what is known changes nothing a reader
 * could tell (EXPIRE counts whole seconds) and is left out. What is known is
 * trusted for one second only, the longest a request's read and its touch
 * are apart in a busy server, so a change another process made stays unseen
 * no longer than that. Bounded: the oldest entries go first.
 */
export class LoadedExpiries {
  private readonly expiries = new Map<string, Seen>();

  constructor(
    private readonly limit: number,
    private readonly trustMs: number,
  ) {}

  remember(key: string, expiresAt: number, now: number): void {
    this.expiries.delete(key);
    this.expiries.set(key, { expiresAt, seenAt: now });
    if (this.expiries.size > this.limit) this.expiries.delete(this.expiries.keys().next().value!);
  }

  /** The expiry known for `key`, if seen within the trusted time. */
  known(key: string, now: number): number | undefined {
    const seen = this.expiries.get(key);
    if (seen === undefined) return undefined;
    if (now - seen.seenAt < this.trustMs) return seen.expiresAt;
    this.expiries.delete(key);
    return undefined;
  }

  forget(key: string): void {
    this.expiries.delete(key);
  }
}

interface Seen {
  expiresAt: number;
  seenAt: number;
}
