/**
 * The bench suite's statistics (bench/lib/stats.mjs): medians, percentiles and
 * paired ratios.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { median, medianPairedRatio, percentileOfSorted, ratio } from '../bench/lib/stats.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { rotate, runInterleaved } from '../bench/lib/rounds.mjs';

describe('bench statistics', () => {
  it('median takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('median ignores missing figures and is NaN when nothing is left', () => {
    expect(median([NaN, 2, 4, Infinity])).toBe(3);
    expect(median([])).toBeNaN();
    expect(median([NaN])).toBeNaN();
  });

  it('median does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('nearest-rank percentiles always return an observed value', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(sorted, 50)).toBe(50);
    expect(percentileOfSorted(sorted, 99)).toBe(99);
    expect(percentileOfSorted(sorted, 100)).toBe(100);
    expect(percentileOfSorted([10, 20, 30], 99)).toBe(30);
    expect(percentileOfSorted([10, 20, 30], 0)).toBe(10);
    expect(percentileOfSorted([], 50)).toBeNaN();
  });

  it('ratio refuses to divide by zero or by a missing figure', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(NaN, 2)).toBeNaN();
    expect(ratio(2, undefined)).toBeNaN();
  });

  it('paired ratios pair rounds, so drift between rounds cancels', () => {
    // The machine got twice as slow in round 2 for both contenders: the per-round ratio stays 2.
    expect(medianPairedRatio([200, 100, 210], [100, 50, 105])).toBe(2);
    // A ratio of medians would say 200/100 = 2 here too, but pairing matters when rounds disagree:
    expect(medianPairedRatio([300, 100, 100], [100, 100, 50])).toBe(2);
  });

  it('rotate starts each round at a different contender and keeps every one', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(rotate([], 3)).toEqual([]);
  });

  it('interleaves per-scenario contender lists, rotating each list by the round', async () => {
    const order: string[] = [];
    const lists: Record<string, Array<{ id: string }>> = { x: [{ id: 'a' }, { id: 'b' }], y: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] };
    const samples = await runInterleaved({
      rounds: 2,
      scenarios: [{ id: 'x' }, { id: 'y' }],
      contendersOf: (scenario: { id: string }) => lists[scenario.id],
      measure: async (contender: { id: string }, scenario: { id: string }) => {
        order.push(`${scenario.id}:${contender.id}`);
        return order.length;
      },
    });
    expect(order).toEqual(['x:a', 'x:b', 'y:a', 'y:b', 'y:c', 'x:b', 'x:a', 'y:b', 'y:c', 'y:a']);
    expect([...samples.get('x').keys()]).toEqual(['a', 'b']);
    expect(samples.get('y').get('c')).toEqual([5, 9]);
  });
});
