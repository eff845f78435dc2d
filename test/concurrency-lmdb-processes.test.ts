/**
 * The merge on save across two processes on one LmdbStore path: each save is
 * merged inside the write transaction, which holds the environment's lock,
 * so it merges with what the other process committed a moment before.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { get, removeTempStores, startChild, stopAllChildren, tempStorePath, type Child } from './fixtures/lmdb/harness';

afterEach(stopAllChildren);
afterAll(removeTempStores);

type Data = Record<string, unknown>;
const SERVER = '../concurrency/server.js';

async function twoProcesses(...args: string[]): Promise<[Child, Child]> {
  const dir = tempStorePath();
  const [a, b] = await Promise.all([startChild(SERVER, [dir, ...args]), startChild(SERVER, [dir, ...args])]);
  expect(a.pid).not.toBe(b.pid);
  return [a, b];
}

const read = async (port: number, cookie: string) => (await get<{ data: Data; id: string }>(port, '/read', cookie)).body;

describe('LmdbStore, two processes on one path: concurrent requests on one session', () => {
  it('50 requests spread over both processes, each setting its own key after a random 0-20 ms wait: all 50 keys survive', async () => {
    const [a, b] = await twoProcesses();
    const cookie = (await get(a.port, '/init')).cookie!;
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    const replies = await Promise.all(keys.map((key, i) => get<{ pid: number }>((i % 2 ? a : b).port, `/set/${key}?rand=20`, cookie)));
    expect(new Set(replies.map((r) => r.body.pid))).toEqual(new Set([a.pid, b.pid]));
    const { data } = await read(a.port, cookie);
    expect(keys.filter((key) => data[key] === key)).toEqual(keys);
  });

  it('one process deletes a key while the other changes another; the same key changed in both: last writer wins', async () => {
    const [a, b] = await twoProcesses();
    const cookie = (await get(a.port, '/init')).cookie!;
    await get(a.port, '/set/gone?value=x', cookie);
    await Promise.all([get(a.port, '/del/gone?wait=5', cookie), get(b.port, '/set/kept?value=y&wait=25', cookie)]);
    expect((await read(b.port, cookie)).data).toEqual({ init: true, kept: 'y' });
    await Promise.all([get(a.port, '/set/same?value=first&wait=5', cookie), get(b.port, '/set/same?value=last&wait=30', cookie)]);
    expect((await read(a.port, cookie)).data).toEqual({ init: true, kept: 'y', same: 'last' });
  });

  it('a logout in one process is not undone by a save in the other that loaded the session before it', async () => {
    const [a, b] = await twoProcesses();
    const cookie = (await get(a.port, '/init?user=ann')).cookie!;
    const { id } = await read(a.port, cookie);
    await Promise.all([get(a.port, '/set/late?wait=40', cookie), get(b.port, '/logout?wait=5', cookie)]);
    const after = await read(a.port, cookie);
    expect(after.id).not.toBe(id);
    expect(after.data).toEqual({});
  });
});
