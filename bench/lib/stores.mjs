// The session stores under test, each created behind the plain Store API.
// Shared by the end-to-end contenders and the scale section.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadBuiltPackage, requireFromRoot } from './packages.mjs';
import { REDIS_STORES } from './redis-stores.mjs';

/**
 * @typedef {{ maxBytes?: number, lmdbDir?: string, redisUrl?: string }} StoreOptions maxBytes: our MemoryStore's bound;
 *   lmdbDir: an LMDB directory shared with other processes (default: a private temporary one);
 *   redisUrl: the redis-server of the Redis stores (redis-stores.mjs), ignored by the others
 * @typedef {{ store: any, close: () => Promise<void> | void }} StoreInstance
 * @typedef {{ id: string, title: string, available: () => boolean, create: (options?: StoreOptions) => StoreInstance }} StoreDefinition
 */

/** @type {StoreDefinition[]} The in-process stores: every end-to-end section but Redis's, and the scale section. */
export const STORES = [
  {
    id: 'express-session',
    title: 'express-session MemoryStore',
    available: () => true,
    create() {
      const { MemoryStore } = requireFromRoot('express-session');
      return { store: new MemoryStore(), close() {} };
    },
  },
  {
    id: 'memorystore',
    title: 'memorystore',
    available: () => true,
    create() {
      const MemoryStore = requireFromRoot('memorystore')(requireFromRoot('express-session'));
      // The prune interval its README recommends; stopped on close so the process can exit.
      const store = new MemoryStore({ checkPeriod: 86_400_000 });
      return { store, close: () => store.stopInterval() };
    },
  },
  {
    id: 'ours-memory',
    title: 'wasm-session MemoryStore',
    available: () => true,
    create({ maxBytes } = {}) {
      const session = loadBuiltPackage();
      const store = new session.MemoryStore(maxBytes === undefined ? undefined : { maxBytes });
      return { store, close: () => store.close?.() };
    },
  },
  {
    id: 'ours-lmdb',
    title: 'wasm-session LmdbStore',
    available: () => typeof loadBuiltPackage().LmdbStore === 'function',
    create({ lmdbDir } = {}) {
      const session = loadBuiltPackage();
      const ownsDir = lmdbDir === undefined;
      const storePath = lmdbDir ?? mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-lmdb-'));
      const store = new session.LmdbStore({ path: storePath });
      return {
        store,
        async close() {
          await store.close?.();
          if (ownsDir) rmSync(storePath, { recursive: true, force: true });
        },
      };
    },
  },
];

/** Any store, the Redis ones included. */
export function storeById(id) {
  const all = [...STORES, ...REDIS_STORES];
  const definition = all.find((candidate) => candidate.id === id);
  if (!definition) throw new Error(`unknown store "${id}" (known: ${all.map((s) => s.id).join(', ')})`);
  return definition;
}
