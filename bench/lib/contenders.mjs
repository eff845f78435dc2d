// The middlewares compared end to end. Every contender is configured the same
// way (resave: false, saveUninitialized: false, same secret); only the
// implementation and its store differ.
import { loadBuiltPackage, requireFromRoot } from './packages.mjs';
import { storeById } from './stores.mjs';

const COMMON_OPTIONS = { secret: 'bench secret', resave: false, saveUninitialized: false };

/**
 * @typedef {{ middleware: Function | null, close: () => Promise<void> | void }} ContenderInstance
 * @typedef {{ id: string, title: string, storeId: string | null,
 *   create: (options?: import('./stores.mjs').StoreOptions, middlewareOptions?: object) => ContenderInstance }} Contender
 * middlewareOptions: added to the common options (e.g. `cookie: { maxAge }`)
 */

const MIDDLEWARE_FACTORIES = {
  'express-session': () => requireFromRoot('express-session'),
  'wasm-session': loadBuiltPackage,
};

function contender(id, title, middlewarePackage, storeId) {
  return {
    id,
    title,
    storeId,
    create(storeOptions, middlewareOptions = {}) {
      if (middlewarePackage === null) return { middleware: null, close() {} };
      const { store, close } = storeById(storeId).create(storeOptions);
      return { middleware: MIDDLEWARE_FACTORIES[middlewarePackage]()({ ...COMMON_OPTIONS, ...middlewareOptions, store }), close };
    },
  };
}

/** @type {Contender[]} */
const ALL_CONTENDERS = [
  contender('bare', 'bare Express', null, null),
  contender('express-session', 'express-session + MemoryStore', 'express-session', 'express-session'),
  contender('memorystore', 'express-session + memorystore', 'express-session', 'memorystore'),
  contender('ours-memory', 'wasm-session + MemoryStore', 'wasm-session', 'ours-memory'),
  contender('ours-lmdb', 'wasm-session + LmdbStore', 'wasm-session', 'ours-lmdb'),
];

/** The contender ids a baseline ratio is taken against. */
export const REFERENCE_ID = 'express-session';
export const CEILING_ID = 'bare';

/** The reference then the ceiling, those of them present: the ratio columns of every table. */
export function baselinesAmong(contenders) {
  return [REFERENCE_ID, CEILING_ID].map((id) => contenders.find((c) => c.id === id)).filter(Boolean);
}

/**
 * Contenders this build can run, plus a note for each one skipped
 * (LmdbStore joins once the package exports it).
 */
export function availableContenders() {
  const notes = [];
  const contenders = ALL_CONTENDERS.filter((candidate) => {
    if (candidate.storeId === null || storeById(candidate.storeId).available()) return true;
    notes.push(`${candidate.title} skipped: the built package does not provide it yet.`);
    return false;
  });
  return { contenders, notes };
}

export function contenderById(id) {
  const found = ALL_CONTENDERS.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown contender "${id}" (known: ${ALL_CONTENDERS.map((c) => c.id).join(', ')})`);
  return found;
}
