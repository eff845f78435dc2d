/**
 * Worker threads of one process share the LMDB environment: each thread of a
 * piscina pool opens its own LmdbStore on the same path (test/fixtures/lmdb/piscina-worker.js).
 */
import path from 'node:path';
import { Piscina } from 'piscina';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { call, removeTempStores, tempStorePath } from './helpers/lmdb';

const workerFile = path.join(__dirname, 'fixtures/lmdb/piscina-worker.js');

afterAll(removeTempStores);

function newPool(): Piscina {
  return new Piscina({ filename: workerFile, minThreads: 2, maxThreads: 2, concurrentTasksPerWorker: 1 });
}

describe('LmdbStore across worker threads (piscina)', () => {
  it('one session incremented in turns by two threads stays one continuous session', async () => {
    const dir = tempStorePath();
    const pool = newPool();
    try {
      const turns = new Int32Array(new SharedArrayBuffer(4));
      const rounds = 10;
      // Two tasks at once on a pool of two single-task threads: one per thread.
      const [even, odd] = (await Promise.all([
        pool.run({ path: dir, sid: 'shared', turns, parity: 0, rounds }, { name: 'alternate' }),
        pool.run({ path: dir, sid: 'shared', turns, parity: 1, rounds }, { name: 'alternate' }),
      ])) as Array<{ threadId: number; seen: number[] }>;
      expect(even.threadId).not.toBe(odd.threadId);
      expect(even.seen).toEqual(Array.from({ length: rounds }, (_, i) => 2 * i + 1));
      expect(odd.seen).toEqual(Array.from({ length: rounds }, (_, i) => 2 * i + 2));
      await Promise.all([pool.run({}, { name: 'closeAll' }), pool.run({}, { name: 'closeAll' })]);
    } finally {
      await pool.destroy();
    }
    const store = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    try {
      expect(await call((cb) => store.get('shared', cb))).toMatchObject({ views: 20 });
    } finally {
      await store.close();
    }
  });

  it('concurrent writers on several threads and the main thread: every write is there', async () => {
    const dir = tempStorePath();
    const pool = newPool();
    const main = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    try {
      const expires = new Date(Date.now() + 3_600_000);
      const mainWrites = Array.from({ length: 100 }, (_, i) =>
        call((cb) => main.set(`main-${i}`, { cookie: { expires }, i }, cb)),
      );
      const threads = (await Promise.all([
        pool.run({ path: dir, prefix: 't1', count: 200 }, { name: 'writeMany' }),
        pool.run({ path: dir, prefix: 't2', count: 200 }, { name: 'writeMany' }),
        ...mainWrites,
      ])) as Array<{ threadId: number } | undefined>;
      expect(threads[0]!.threadId).not.toBe(threads[1]!.threadId);
      expect(await call<number>((cb) => main.length(cb))).toBe(500);
      const ids = await call<string[]>((cb) => main.ids(cb));
      expect(ids.filter((id) => id.startsWith('t1-'))).toHaveLength(200);
      expect(ids.filter((id) => id.startsWith('t2-'))).toHaveLength(200);
      expect(await call((cb) => main.get('t2-199', cb))).toMatchObject({ i: 199 });
      await Promise.all([pool.run({}, { name: 'closeAll' }), pool.run({}, { name: 'closeAll' })]);
    } finally {
      await main.close();
      await pool.destroy();
    }
  });
});
