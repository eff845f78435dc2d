/**
 * Concurrent requests on one session with our stores: a save merges at the
 * top-level key with what the store holds when it is written (format/merge.ts),
 * so requests that change different keys all keep their change, and a session
 * destroyed meanwhile stays destroyed.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { reference, session } from './helpers/package';
import { get, removeTempStores, tempStorePath } from './helpers/lmdb';

const require = createRequire(import.meta.url);
const { createApp } = require('./fixtures/concurrency/app.js') as { createApp: (pkg: unknown, store: unknown) => any };

afterAll(removeTempStores);

type Data = Record<string, unknown>;
interface Running {
  port: number;
  close(): Promise<void>;
}

async function serve(pkg: unknown, store: unknown): Promise<Running> {
  const server: Server = await new Promise((resolve) => {
    const s = createApp(pkg, store).listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const STORES = {
  MemoryStore: () => new session.MemoryStore(),
  LmdbStore: () => new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0 }),
  'LmdbStore (durability commit: groups go through the write thread)': () =>
    new session.LmdbStore({ path: tempStorePath(), sweepInterval: 0, durability: 'commit' }),
} as const;

/** Starts a session (one stored key, `init`) and returns its cookie. */
async function login(port: number, user?: string): Promise<string> {
  const reply = await get(port, user === undefined ? '/init' : `/init?user=${user}`);
  expect(reply.cookie).toBeDefined();
  return reply.cookie!;
}

const read = async (port: number, cookie: string) => (await get<{ data: Data; id: string }>(port, '/read', cookie)).body;

async function fiftyKeys(port: number, cookie: string): Promise<string[]> {
  const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
  const replies = await Promise.all(keys.map((key) => get(port, `/set/${key}?rand=20`, cookie)));
  expect(replies.map((r) => r.status)).toEqual(keys.map(() => 200));
  const { data } = await read(port, cookie);
  return keys.filter((key) => data[key] === key);
}

describe.each(Object.keys(STORES) as Array<keyof typeof STORES>)('%s: concurrent requests on one session', (kind) => {
  const withApp = async (test: (port: number, store: any) => Promise<void>) => {
    const store: any = STORES[kind]();
    const app = await serve(session, store);
    try {
      await test(app.port, store);
    } finally {
      await app.close();
      await store.close?.();
    }
  };

  it('50 requests, each setting its own key after a random 0-20 ms wait: all 50 keys survive', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      expect(await fiftyKeys(port, cookie)).toHaveLength(50);
      expect((await read(port, cookie)).data.init).toBe(true);
    }));

  it('two requests changing two keys: both changes stay', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      await Promise.all([get(port, '/set/a?value=1&wait=20', cookie), get(port, '/set/b?value=2&wait=5', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, a: '1', b: '2' });
    }));

  it('one request deletes a key while another changes a different one: the delete and the change stay', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      await get(port, '/set/gone?value=x', cookie);
      await Promise.all([get(port, '/del/gone?wait=5', cookie), get(port, '/set/kept?value=y&wait=20', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, kept: 'y' });
      // The same with the order of the saves swapped.
      await get(port, '/set/gone?value=x', cookie);
      await Promise.all([get(port, '/del/gone?wait=20', cookie), get(port, '/set/kept?value=z&wait=5', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, kept: 'z' });
    }));

  it('both requests change the same key: no merge, the last writer wins', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      await Promise.all([get(port, '/set/same?value=first&wait=5', cookie), get(port, '/set/same?value=last&wait=25', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, same: 'last' });
    }));

  it('a logout racing a save: the session a request loaded before the destroy is not written back after it', () =>
    withApp(async (port, store) => {
      const cookie = await login(port, 'ann');
      const { id } = await read(port, cookie);
      await Promise.all([get(port, '/set/late?wait=30', cookie), get(port, '/logout?wait=5', cookie)]);
      const stored = await new Promise((resolve) => store.get(id, (_err: unknown, s: unknown) => resolve(s)));
      expect(stored).toBeFalsy();
      // The browser's next request starts over.
      const after = await read(port, cookie);
      expect(after.id).not.toBe(id);
      expect(after.data).toEqual({});
    }));

  it('an explicit save() in a request merges too, and so does the save at its end', () =>
    withApp(async (port) => {
      const cookie = await login(port);
      await Promise.all([get(port, '/save-then-set/mid?wait=5', cookie), get(port, '/set/other?value=o&wait=15', cookie)]);
      expect((await read(port, cookie)).data).toEqual({ init: true, mid: 'saved', mid_after: 'end', other: 'o' });
    }));

  it('a fresh session is created as usual, and a Date stored by one request survives a merge as the same string', () =>
    withApp(async (port, store) => {
      const cookie = await login(port);
      const { id } = await read(port, cookie);
      // A direct store write in between (another process's request, say), then a request that changed nothing of it.
      const stored: any = await new Promise((resolve) => store.get(id, (_e: unknown, s: unknown) => resolve(s)));
      const when = new Date(Date.UTC(2030, 0, 2));
      const racing = get(port, '/set/mine?value=m&wait=20', cookie);
      await new Promise((r) => setTimeout(r, 5));
      await new Promise<void>((resolve, reject) =>
        store.set(id, { ...stored, when, nested: { deep: [1, { x: 2 }] } }, (err: unknown) => (err ? reject(err) : resolve())),
      );
      await racing;
      expect((await read(port, cookie)).data).toEqual({ init: true, mine: 'm', when: when.toISOString(), nested: { deep: [1, { x: 2 }] } });
    }));
});

describe('express-session, for contrast: the same 50 requests lose their updates', () => {
  it('its MemoryStore loses some of the 50 keys (last write wins, whole)', async () => {
    const store = new reference.MemoryStore();
    const app = await serve(reference, store);
    try {
      const cookie = await login(app.port);
      const survivors = await fiftyKeys(app.port, cookie);
      expect(survivors.length).toBeLessThan(50);
    } finally {
      await app.close();
    }
  });
});
