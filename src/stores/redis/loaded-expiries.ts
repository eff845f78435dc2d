/**
 * The expiry each session key had in Redis when this process last read it
 * (PTTL, sent with the GET in the same round trip), kept for the requests in
 * flight: their touch, a moment later, can tell whether it would move the
 * expiry at all. Bounded: the oldest entries go first, and a request whose
 * entry went touches as usual.
 */
export class LoadedExpiries {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly limit: number) {}

  remember(key: string, expiresAt: number): void {
    this.expiries.delete(key);
    this.expiries.set(key, expiresAt);
    if (this.expiries.size > this.limit) this.expiries.delete(this.expiries.keys().next().value!);
  }

  /** The expiry read for `key`, once: a second touch of the same read asks Redis. */
  take(key: string): number | undefined {
    const expiresAt = this.expiries.get(key);
    if (expiresAt !== undefined) this.expiries.delete(key);
    return expiresAt;
  }
}
