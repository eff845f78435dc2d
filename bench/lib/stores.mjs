// The session stores under test, each created behind the plain Store API.
// Shared by the end-to-end contenders and the scale section.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadBuiltPackage, requireFromRoot } from './packages.mjs';

/**
 * @typedef {{ maxBytes?: number, lmdbDir?: string }} StoreOptions maxBytes: our MemoryStore's bound;
 *   lmdbDir: an LMDB directory shared with other processes (default: a private temporary one)
 * @typedef {{ store: any, close: () => Promise<void> | void }} StoreInstance
 * @typedef {{ id: string, title: string, available: () => boolean, create: (options?: StoreOptions) => StoreInstance }} StoreDefinition
 */

/** @type {StoreDefinition[]} */
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

export function storeById(id) {
  const definition = STORES.find((candidate) => candidate.id === id);
  if (!definition) throw new Error(`unknown store "${id}" (known: ${STORES.map((s) => s.id).join(', ')})`);
  return definition;
}
