// The stores the scale section fills, each behind the plain Store API.
import { createLmdbStore } from '../lib/contenders.mjs';
import { loadBuiltPackage, requireFromRoot } from '../lib/packages.mjs';

/** @type {Array<{ id: string, title: string, available: () => boolean, create: () => { store: any, close: () => Promise<void> | void } }>} */
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
      const store = new MemoryStore({ checkPeriod: 86_400_000 });
      return { store, close: () => store.stopInterval() };
    },
  },
  {
    id: 'ours-memory',
    title: 'wasm-session MemoryStore',
    available: () => true,
    create() {
      const session = loadBuiltPackage();
      // Room for a million sessions, so the figures compare equal data rather than measuring eviction.
      const store = new session.MemoryStore({ maxBytes: 1024 * 1024 * 1024 });
      return { store, close: () => store.close?.() };
    },
  },
  {
    id: 'ours-lmdb',
    title: 'wasm-session LmdbStore',
    available: () => typeof loadBuiltPackage().LmdbStore === 'function',
    create: () => createLmdbStore(loadBuiltPackage()),
  },
];
