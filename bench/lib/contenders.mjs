// The middlewares compared end to end. Every contender is configured the same
// way (resave: false, saveUninitialized: false, same secret); only the
// implementation and its store differ.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadBuiltPackage, requireFromRoot } from './packages.mjs';

const SECRET = 'bench secret';
const COMMON_OPTIONS = { secret: SECRET, resave: false, saveUninitialized: false };

/**
 * @typedef {{ middleware: Function | null, close: () => Promise<void> | void }} ContenderInstance
 * @typedef {{ id: string, title: string, create: (options?: { lmdbDir?: string }) => ContenderInstance }} Contender
 */

/** @type {Contender[]} */
const ALL_CONTENDERS = [
  { id: 'bare', title: 'bare Express', create: () => ({ middleware: null, close() {} }) },
  {
    id: 'express-session',
    title: 'express-session + MemoryStore',
    create() {
      const expressSession = requireFromRoot('express-session');
      return { middleware: expressSession({ ...COMMON_OPTIONS, store: new expressSession.MemoryStore() }), close() {} };
    },
  },
  {
    id: 'memorystore',
    title: 'express-session + memorystore',
    create() {
      const expressSession = requireFromRoot('express-session');
      const MemoryStore = requireFromRoot('memorystore')(expressSession);
      // The prune interval its README recommends; stopped on close so the process can exit.
      const store = new MemoryStore({ checkPeriod: 86_400_000 });
      return { middleware: expressSession({ ...COMMON_OPTIONS, store }), close: () => store.stopInterval() };
    },
  },
  {
    id: 'ours-memory',
    title: 'wasm-session + MemoryStore',
    create() {
      const session = loadBuiltPackage();
      return { middleware: session({ ...COMMON_OPTIONS, store: new session.MemoryStore() }), close() {} };
    },
  },
  {
    id: 'ours-lmdb',
    title: 'wasm-session + LmdbStore',
    // lmdbDir: a directory shared with other processes (the cluster server); default a private temp dir.
    create({ lmdbDir } = {}) {
      const session = loadBuiltPackage();
      const { store, close } = createLmdbStore(session, lmdbDir);
      return { middleware: session({ ...COMMON_OPTIONS, store }), close };
    },
  },
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
  const session = loadBuiltPackage();
  const notes = [];
  const contenders = ALL_CONTENDERS.filter((contender) => {
    if (contender.id === 'ours-lmdb' && typeof session.LmdbStore !== 'function') {
      notes.push(`${contender.title} skipped: the built package does not export LmdbStore yet.`);
      return false;
    }
    return true;
  });
  return { contenders, notes };
}

export function contenderById(id) {
  const contender = ALL_CONTENDERS.find((candidate) => candidate.id === id);
  if (!contender) throw new Error(`unknown contender "${id}" (known: ${ALL_CONTENDERS.map((c) => c.id).join(', ')})`);
  return contender;
}

/**
 * An LmdbStore in a fresh temporary directory (or in `dir` when several
 * processes must share one), removed again on close when we created it.
 */
export function createLmdbStore(session, dir) {
  const ownsDir = dir === undefined;
  const storePath = dir ?? mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-lmdb-'));
  const store = new session.LmdbStore({ path: storePath });
  return {
    store,
    async close() {
      await store.close?.();
      if (ownsDir) rmSync(storePath, { recursive: true, force: true });
    },
  };
}
