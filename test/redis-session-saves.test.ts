/**
 * RedisStore's merged saves of one session (src/stores/redis/session-saves.ts
 * and merged-save.ts): each save goes out at once, expecting the text the one
 * before it writes; when another process's write overtakes an attempt, its
 * saves and those behind it wait for the chain to drain and go out together,
 * merged over what Redis reported. First against a writer the test answers by
 * hand, then the attempts on a real Redis.
 */
import { describe, expect, it } from 'vitest';
import { SessionSaves } from '../src/stores/redis/session-saves';
import { attemptFor, compareAndSet, GONE, WRITTEN, type MergedSave, type SaveAttempt, type SaveReply } from '../src/stores/redis/merged-save';
import type { RedisCommands } from '../src/stores/redis/client';
import { redisForSuite, skipWithoutRedis } from './helpers/redis-server';

interface Sent {
  attempt: SaveAttempt;
  saves: readonly MergedSave[];
  answer(reply: SaveReply): void;
  fail(err: unknown): void;
}

/** A sender whose attempts the test answers by hand. */
function manualSender(pipelined = true) {
  const sent: Sent[] = [];
  const saves = new SessionSaves<MergedSave>(
    (_sid, attempt, batch) =>
      new Promise((resolve, reject) => {
        sent.push({ attempt, saves: batch, answer: resolve, fail: reject });
      }),
    pipelined,
  );
  return { saves, sent };
}

const BASE = ',"n":0}';
const save = (n: number): MergedSave => ({ mine: `{"cookie":{},"n":0,"k${n}":${n}}`, baseData: BASE });
const turn = () => new Promise((resolve) => setImmediate(resolve));
const data = (text: string) => {
  const { cookie: _cookie, ...rest } = JSON.parse(text);
  return rest;
};

describe('SessionSaves', () => {
  it('pipelines a burst: each attempt expects the text the one before it writes, and all land', async () => {
    const { saves, sent } = manualSender();
    const answers = [1, 2, 3].map((n) => saves.save('s', save(n)));
    expect(sent).toHaveLength(3);
    expect(sent[0]!.attempt).toMatchObject({ mode: 'b', expected: BASE });
    expect(sent[1]!.attempt).toMatchObject({ mode: 'f', expected: sent[0]!.attempt.text });
    expect(sent[2]!.attempt).toMatchObject({ mode: 'f', expected: sent[1]!.attempt.text });
    expect(data(sent[2]!.attempt.text)).toEqual({ n: 0, k1: 1, k2: 2, k3: 3 });
    for (const s of sent) s.answer(WRITTEN);
    expect(await Promise.all(answers)).toEqual(sent.map((s) => s.attempt.text));
    expect(saves.size).toBe(0);
  });

  it('an overtaken attempt and those behind it wait for the chain, then go out as one, merged over what Redis reported', async () => {
    const { saves, sent } = manualSender();
    const answers = [1, 2].map((n) => saves.save('s', save(n)));
    const theirs = '{"cookie":{},"n":0,"other":true}';
    sent[0]!.answer(theirs);
    await turn();
    // Arrives while the chain is known to miss: it waits with them instead of joining it.
    const late = saves.save('s', save(3));
    expect(sent).toHaveLength(2);
    sent[1]!.answer(theirs);
    await turn();
    expect(sent).toHaveLength(3);
    expect(sent[2]!.attempt).toMatchObject({ mode: 'f', expected: theirs });
    expect(sent[2]!.saves).toHaveLength(3);
    expect(data(sent[2]!.attempt.text)).toEqual({ n: 0, other: true, k1: 1, k2: 2, k3: 3 });
    sent[2]!.answer(WRITTEN);
    expect(await Promise.all([...answers, late])).toEqual([1, 2, 3].map(() => sent[2]!.attempt.text));
  });

  it('a save overtaken 16 times by other processes gives up with ERR_SESSION_STORE_WRITE', async () => {
    const { saves, sent } = manualSender();
    const answer = saves.save('s', save(1));
    for (let i = 0; i < 16; i++) {
      await turn();
      sent[i]!.answer(`{"cookie":{},"n":${i + 1}}`);
    }
    await expect(answer).rejects.toMatchObject({ code: 'ERR_SESSION_STORE_WRITE' });
    await turn();
    expect(sent).toHaveLength(16);
    expect(saves.size).toBe(0);
  });

  it('a session gone meanwhile drops the save; a failed attempt fails only its own saves', async () => {
    const { saves, sent } = manualSender();
    const first = saves.save('s', save(1));
    const second = saves.save('s', save(2));
    sent[0]!.answer(GONE);
    const failure = new Error('down');
    sent[1]!.fail(failure);
    expect(await first).toBeUndefined();
    await expect(second).rejects.toBe(failure);
    expect(saves.size).toBe(0);
    // The next save knows nothing of the stored text: it expects its own base.
    void saves.save('s', save(3));
    expect(sent[2]!.attempt).toMatchObject({ mode: 'b', expected: BASE });
  });

  it('not pipelined: saves that come while one is in flight go out together, expecting the text it wrote', async () => {
    const { saves, sent } = manualSender(false);
    const first = saves.save('s', save(1));
    const later = [2, 3].map((n) => saves.save('s', save(n)));
    expect(sent).toHaveLength(1);
    sent[0]!.answer(WRITTEN);
    expect(await first).toBe(sent[0]!.attempt.text);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.attempt).toMatchObject({ mode: 'f', expected: sent[0]!.attempt.text });
    expect(sent[1]!.saves).toHaveLength(2);
    expect(data(sent[1]!.attempt.text)).toEqual({ n: 0, k1: 1, k2: 2, k3: 3 });
    sent[1]!.answer(WRITTEN);
    expect(await Promise.all(later)).toEqual([sent[1]!.attempt.text, sent[1]!.attempt.text]);
    expect(saves.size).toBe(0);
  });

  it('a later burst starts by expecting what this process last wrote, not its request\'s base', async () => {
    const { saves, sent } = manualSender();
    const first = saves.save('s', save(1));
    sent[0]!.answer(WRITTEN);
    await first;
    expect(saves.size).toBe(0);
    void saves.save('s', save(2));
    expect(sent[1]!.attempt).toMatchObject({ mode: 'f', expected: sent[0]!.attempt.text });
    expect(data(sent[1]!.attempt.text)).toEqual({ n: 0, k1: 1, k2: 2 });
  });

  it('keeps sessions apart', () => {
    const { saves, sent } = manualSender();
    void saves.save('a', save(1));
    void saves.save('b', save(2));
    expect(sent.map((s) => s.attempt.mode)).toEqual(['b', 'b']);
  });

  it('a sender that throws is a failed save, not an escape', async () => {
    const saves = new SessionSaves<MergedSave>(() => {
      throw new Error('bad');
    });
    await expect(saves.save('s', save(1))).rejects.toThrow('bad');
    expect(saves.size).toBe(0);
  });
});

describe.skipIf(skipWithoutRedis)('compare-and-set on a real Redis', () => {
  const redis = redisForSuite();
  const client = () => redis.client as unknown as RedisCommands;
  const stored = '{"cookie":{"path":"/"},"a":1}';
  const loadedA1 = (mine: string): MergedSave => ({ mine, baseData: ',"a":1}' });

  it('writes several saves merged in turn when Redis holds their base', async () => {
    await client().set('cas:1', stored);
    const attempt = attemptFor(
      [loadedA1('{"cookie":{"path":"/"},"a":1,"b":2}'), loadedA1('{"cookie":{"path":"/"},"a":1,"c":3}'), loadedA1('{"cookie":{"path":"/"},"a":9}')],
      undefined,
    );
    expect(await compareAndSet(client(), 'cas:1', attempt, '60')).toBe(WRITTEN);
    expect(JSON.parse((await client().get('cas:1'))!)).toEqual({ cookie: { path: '/' }, a: 9, b: 2, c: 3 });
  });

  it('answers the stored text when it is not the expected one, and writes nothing', async () => {
    const other = '{"cookie":{"path":"/"},"a":1,"other":true}';
    await client().set('cas:2', other);
    const attempt = attemptFor([loadedA1('{"cookie":{"path":"/"},"a":2}')], stored);
    expect(await compareAndSet(client(), 'cas:2', attempt, '60')).toBe(other);
    expect(await client().get('cas:2')).toBe(other);
    const again = attemptFor([loadedA1('{"cookie":{"path":"/"},"a":2}')], other);
    expect(await compareAndSet(client(), 'cas:2', again, '60')).toBe(WRITTEN);
    expect(JSON.parse((await client().get('cas:2'))!)).toEqual({ cookie: { path: '/' }, a: 2, other: true });
  });

  it('a session gone meanwhile is not written back', async () => {
    const attempt = attemptFor([loadedA1('{"cookie":{"path":"/"},"a":2}')], stored);
    expect(await compareAndSet(client(), 'cas:absent', attempt, '60')).toBe(GONE);
    expect(await client().get('cas:absent')).toBeNull();
  });
});
