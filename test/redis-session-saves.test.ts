/**
 * RedisStore's merged saves of one session, one batch at a time
 * (src/stores/redis/session-saves.ts and merged-save.ts): saves that arrive
 * while a write of their session is in flight go out together as one write,
 * each merged over the one before; every request of a batch gets that
 * write's answer. Then the same on a real Redis: a burst of saves of one
 * session costs fewer scripts than saves, and keeps every key.
 */
import { describe, expect, it } from 'vitest';
import { SessionSaves } from '../src/stores/redis/session-saves';
import { saveBatch, type MergedSave } from '../src/stores/redis/merged-save';
import type { RedisCommands } from '../src/stores/redis/client';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

interface Deferred {
  saves: readonly MergedSave[];
  known: string | undefined;
  resolve(text: string | undefined): void;
  reject(err: unknown): void;
}

/** A writer whose writes the test settles by hand. */
function manualWriter() {
  const writes: Deferred[] = [];
  const saves = new SessionSaves<MergedSave>(
    (_sid, batch, known) =>
      new Promise((resolve, reject) => {
        writes.push({ saves: batch, known, resolve, reject });
      }),
  );
  return { saves, writes };
}

const save = (n: number): MergedSave => ({ mine: `{"cookie":{},"n":${n}}`, baseData: '}' });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionSaves', () => {
  it('sends the first save at once and the ones that came meanwhile as one batch, told the text just written', async () => {
    const { saves, writes } = manualWriter();
    const first = saves.save('s', save(1));
    expect(writes).toHaveLength(1);
    const later = [saves.save('s', save(2)), saves.save('s', save(3))];
    expect(writes).toHaveLength(1);
    writes[0]!.resolve('written-1');
    expect(await first).toBe('written-1');
    await turn();
    expect(writes).toHaveLength(2);
    expect(writes[1]!.saves.map((s) => s.mine)).toEqual([save(2).mine, save(3).mine]);
    expect(writes[1]!.known).toBe('written-1');
    writes[1]!.resolve('written-2');
    expect(await Promise.all(later)).toEqual(['written-2', 'written-2']);
    expect(saves.size).toBe(0);
  });

  it('keeps sessions apart: a write in flight for one does not hold another', () => {
    const { saves, writes } = manualWriter();
    void saves.save('a', save(1));
    void saves.save('b', save(2));
    expect(writes.map((w) => w.saves.length)).toEqual([1, 1]);
  });

  it('a failed write fails its whole batch, and the next batch starts without a known text', async () => {
    const { saves, writes } = manualWriter();
    const first = saves.save('s', save(1));
    const second = saves.save('s', save(2));
    const failure = new Error('down');
    writes[0]!.reject(failure);
    await expect(first).rejects.toBe(failure);
    await turn();
    expect(writes[1]!.known).toBeUndefined();
    writes[1]!.resolve(undefined);
    expect(await second).toBeUndefined();
    expect(saves.size).toBe(0);
  });

  it('a writer that throws is a failed write, not an escape', async () => {
    const saves = new SessionSaves<MergedSave>(() => {
      throw new Error('bad');
    });
    await expect(saves.save('s', save(1))).rejects.toThrow('bad');
    expect(saves.size).toBe(0);
  });
});

describe.skipIf(skipWithoutRedis)('saveBatch on a real Redis', () => {
  const redis = redisForSuite();
  const client = () => redis.client as unknown as RedisCommands;
  const stored = '{"cookie":{"path":"/"},"a":1}';

  it('writes every save merged in turn over the stored text, in one script', async () => {
    await client().set('batch:1', stored);
    const saves: MergedSave[] = [
      { mine: '{"cookie":{"path":"/"},"a":1,"b":2}', baseData: ',"a":1}' },
      { mine: '{"cookie":{"path":"/"},"a":1,"c":3}', baseData: ',"a":1}' },
      { mine: '{"cookie":{"path":"/"},"a":9}', baseData: ',"a":1}' },
    ];
    const written = await saveBatch(client(), 'batch:1', saves, undefined, '60');
    expect(JSON.parse(written!)).toEqual({ cookie: { path: '/' }, a: 9, b: 2, c: 3 });
    expect(await client().get('batch:1')).toBe(written);
  });

  it('a known text that is stale (another process wrote) is merged again over what Redis holds', async () => {
    await client().set('batch:2', '{"cookie":{"path":"/"},"a":1,"other":true}');
    const saves: MergedSave[] = [{ mine: '{"cookie":{"path":"/"},"a":2}', baseData: ',"a":1}' }];
    const written = await saveBatch(client(), 'batch:2', saves, stored, '60');
    expect(JSON.parse(written!)).toEqual({ cookie: { path: '/' }, a: 2, other: true });
  });

  it('a session gone meanwhile is not written back', async () => {
    const saves: MergedSave[] = [{ mine: '{"cookie":{"path":"/"},"a":2}', baseData: ',"a":1}' }];
    expect(await saveBatch(client(), 'batch:absent', saves, stored, '60')).toBeUndefined();
    expect(await client().get('batch:absent')).toBeNull();
  });
});
