/**
 * A short run of bench/soak/run.mjs (the full soak is run by hand; figures in
 * docs/security.md): real HTTP on 127.0.0.1, logins, reads, writes and bogus
 * cookies, with the MemoryStore and with LmdbStore. Loose checks only, as
 * the machine is shared: no failed request, the server's heap after GC grows
 * by at most 16 MB after warm-up, and every session is swept once its cookie
 * has expired.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const soak = path.resolve(__dirname, '../bench/soak/run.mjs');

describe('soak (short)', () => {
  it('MemoryStore and LmdbStore: no failure, flat heap, no session left after expiry', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [soak, '--store', 'both', '--duration', '8', '--max-age', '1000', '--sample-every', '500', '--connections', '16', '--json'],
        { timeout: 90_000 },
        (err, stdout, stderr) => (err && !stdout ? reject(new Error(stderr || String(err))) : resolve(stdout)),
      ),
    );
    const results = JSON.parse(out.trim().split('\n').pop()!) as Array<Record<string, any>>;
    expect(results.map((r) => r.store)).toEqual(['memory', 'lmdb']);
    for (const r of results) {
      expect(r.requests, r.store).toBeGreaterThan(1000);
      expect(r.failed, r.store).toBe(0);
      expect(r.serverErrors, r.store).toBe(0);
      expect(r.heapGrowthMb, r.store).toBeLessThanOrEqual(16);
      expect(r.sessions.peak, r.store).toBeGreaterThan(10);
      expect(r.sessions.afterExpiry, r.store).toBe(0);
      expect(r.checks, r.store).toEqual({ noFailedRequests: true, heapFlat: true, rssFlat: true, sessionsSweptAfterExpiry: true });
    }
  }, 120_000);
});
