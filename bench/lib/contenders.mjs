// The middlewares compared end to end. Every contender is configured the same
// way (resave: false, saveUninitialized: false, same secret); only the
// implementation and its store differ.
import { loadBuiltPackage, requireFromRoot } from './packages.mjs';
import { createNormalizeOnly } from './normalize-only.mjs';
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
  'normalize-only': () => createNormalizeOnly,
  // express-session behind the same normalization: how much of the distance to it is that fix (bench/lib/normalize-only.mjs).
  'express-session-normalized': () => (options) => {
    const session = requireFromRoot('express-session')(options);
    const normalize = createNormalizeOnly();
    return (req, res, next) => normalize(req, res, () => session(req, res, next));
  },
};

/** Bare Express with only the request/response shape fix of wasm-session (bench/lib/normalize-only.mjs). */
export const NORMALIZED_BARE_ID = 'bare-normalized';
/** express-session (and its MemoryStore) behind the same fix. */
export const NORMALIZED_REFERENCE_ID = 'express-session-normalized';
const SESSIONLESS_IDS = new Set(['bare', NORMALIZED_BARE_ID]);
/** Measured over real HTTP only, where the targets are read: left out of the in-process section. */
const REAL_HTTP_ONLY_IDS = new Set([NORMALIZED_BARE_ID, NORMALIZED_REFERENCE_ID]);

/** Whether the in-process section measures a contender. */
export function measuredInProcess(contender) {
  return !REAL_HTTP_ONLY_IDS.has(contender.id);
}

/** Whether a contender runs no session middleware: no cookie to send, one server for every configuration. */
export function isSessionless(contenderId) {
  return SESSIONLESS_IDS.has(contenderId);
}

function contender(id, title, middlewarePackage, storeId) {
  return {
    id,
    title,
    storeId,
    create(storeOptions, middlewareOptions = {}) {
      if (middlewarePackage === null) return { middleware: null, close() {} };
      if (storeId === null) return { middleware: MIDDLEWARE_FACTORIES[middlewarePackage]()(), close() {} };
      const { store, close } = storeById(storeId).create(storeOptions);
      return { middleware: MIDDLEWARE_FACTORIES[middlewarePackage]()({ ...COMMON_OPTIONS, ...middlewareOptions, store }), close };
    },
  };
}

/** @type {Contender[]} */
const ALL_CONTENDERS = [
  contender('bare', 'bare Express', null, null),
  contender(NORMALIZED_BARE_ID, 'bare Express, req/res normalized', 'normalize-only', null),
  contender('express-session', 'express-session + MemoryStore', 'express-session', 'express-session'),
  contender(NORMALIZED_REFERENCE_ID, 'express-session + MemoryStore, req/res normalized', 'express-session-normalized', 'express-session'),
  contender('memorystore', 'express-session + memorystore', 'express-session', 'memorystore'),
  contender('ours-memory', 'wasm-session + MemoryStore', 'wasm-session', 'ours-memory'),
  contender('ours-lmdb', 'wasm-session + LmdbStore', 'wasm-session', 'ours-lmdb'),
];

/**
 * The Redis section's contenders (its own list: the other sections run
 * without a redis-server). express-session + connect-redis is its reference;
 * bare Express, with no session at all, and bare Express with only the
 * request/response shape fix wasm-session applies are its ceiling: the most
 * a session middleware could reach in the same run, which tells a target no
 * store can meet from one not met yet.
 * @type {Contender[]}
 */
export const REDIS_CONTENDERS = [
  contender('bare', 'bare Express', null, null),
  contender(NORMALIZED_BARE_ID, 'bare Express, req/res normalized', 'normalize-only', null),
  contender('express-session-redis', 'express-session + connect-redis', 'express-session', 'connect-redis'),
  contender('ours-connect-redis', 'wasm-session + connect-redis', 'wasm-session', 'connect-redis'),
  contender('ours-redis', 'wasm-session + RedisStore', 'wasm-session', 'ours-redis'),
  contender('ours-redis-cache', 'wasm-session + RedisStore, near-cache', 'wasm-session', 'ours-redis-cache'),
];
export const REDIS_REFERENCE_ID = 'express-session-redis';

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

/** Any contender, the Redis section's included. */
export function contenderById(id) {
  const all = [...ALL_CONTENDERS, ...REDIS_CONTENDERS];
  const found = all.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`unknown contender "${id}" (known: ${all.map((c) => c.id).join(', ')})`);
  return found;
}
