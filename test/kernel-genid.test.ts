import { describe, expect, it } from 'vitest';
import { generateSessionId } from '../src/session/genid';

describe('generateSessionId', () => {
  const ids = Array.from({ length: 100_000 }, generateSessionId);

  it('has the uid-safe sync(24) format: 32 URL-safe base64 characters, 24 bytes', () => {
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    }
    expect(Buffer.from(ids[0]!, 'base64url')).toHaveLength(24);
  });

  it('never repeats an ID, nor any 8-byte run of randomness, across many pool refills', () => {
    expect(new Set(ids).size).toBe(ids.length);
    // Reused pool bytes would repeat whole chunks; 64-bit chunks collide by chance with odds ~1e-8.
    const chunks = new Set<string>();
    for (const id of ids) {
      const bytes = Buffer.from(id, 'base64url');
      for (let i = 0; i < 24; i += 8) chunks.add(bytes.toString('hex', i, i + 8));
    }
    expect(chunks.size).toBe(ids.length * 3);
  });

  it('looks uniformly random: every bit position near 50%, byte values spread evenly', () => {
    const ones = new Array<number>(192).fill(0);
    const byteCounts = new Array<number>(256).fill(0);
    for (const id of ids) {
      const bytes = Buffer.from(id, 'base64url');
      for (let i = 0; i < 24; i++) {
        byteCounts[bytes[i]!]!++;
        for (let b = 0; b < 8; b++) if (bytes[i]! & (1 << b)) ones[i * 8 + b]!++;
      }
    }
    // 100,000 samples per bit: sd = 158, so ±1,500 is beyond 9 sigma.
    for (const count of ones) expect(Math.abs(count - 50_000)).toBeLessThan(1_500);
    // Chi-square over 256 byte values (255 degrees of freedom); 400 is far in the tail.
    const expected = (ids.length * 24) / 256;
    const chiSquare = byteCounts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(400);
  });
});
