import type { Database, RootDatabase } from 'lmdb';
import { storeOpenFailed } from '../../errors';
import { requireLmdb } from './dependencies';
import type { ResolvedLmdbStoreOptions } from './options';

/** The environment and the three databases the store uses inside it. */
export interface LmdbEnvironment {
  root: RootDatabase;
  /** sid → session JSON text. */
  data: Database<string, string>;
  /** sid → expiry (8 bytes, see record.ts). */
  expiry: Database<Buffer, string>;
  /** Store bookkeeping such as the sweeper's lease. */
  meta: Database<Buffer, string>;
  /** The per-user index (user-index.ts): `<user JSON>\u0001<sid>` → '' , so one user's sessions are one key range. */
  users: Database<string, string>;
  /** The per-user index's reverse side: sid → user JSON, for removing a session's entry without reading its data. */
  userOf: Database<string, string>;
  /** lmdb's "any version" marker: a conditional write that only requires the entry to exist. */
  ifExists: number;
}

/** lmdb's conditional write, with the options argument its typings leave out. */
export type ConditionalWrite = (
  key: string,
  version: number,
  action: () => void,
  options?: { ifLessThan?: boolean },
) => Promise<boolean>;

/**
 * lmdb's sync flags per durability setting. 'background' commits without
 * fsync (the store flushes once a second, background-sync.ts): a commit then
 * waits for nothing but the write itself, where any fsync per commit bounds a
 * process to batch size / fsync time.
 * 'commit' omits the meta-page
 * fsync (MDB_NOMETASYNC): LMDB documents that this keeps the database
 * consistent and only lets a system crash undo the last commits, and it makes
 * a sequential commit far cheaper (measured: docs/bench.md). 'flush' keeps
 * lmdb's full sync and the store also waits for the flush. 'none' never syncs.
 */
const LMDB_SYNC_FLAGS = {
  background: { noSync: true, overlappingSync: false },
  commit: { noMetaSync: true },
  flush: {},
  none: { noSync: true, overlappingSync: false },
} as const;

const DATABASE_NAMES = {
  data: 'session-data',
  expiry: 'session-expiry',
  meta: 'session-meta',
  users: 'session-users',
  userOf: 'session-user-of',
} as const;

/**
 * Opens (creating if needed) the environment at `options.path`. lmdb is
 * required here rather than at the top of the module so that apps which never
 * construct an LmdbStore never load its native addon.
 *
 * Known lmdb bug (3.5.6, the latest): its bundled LMDB lacks upstream fix
 * ITS#9496, so every open stores the transaction ID it read from the file
 * into the lock file without the write lock. If another process commits in
 * between, the next commit is built on the one before and overwrites it: an
 * acknowledged write of a running process can vanish while a process starts
 * (about one start in 60 under continuous writes). Threads of one process
 * share its environment and do not reopen it.
 */
/** What opening needs from the options; a sweep worker thread gets just these. */
export type EnvironmentOptions = Pick<ResolvedLmdbStoreOptions, 'path' | 'durability' | 'mapSize'>;

export function openLmdbEnvironment(options: EnvironmentOptions): LmdbEnvironment {
  const lmdb = requireLmdb();
  let root: RootDatabase;
  try {
    root = lmdb.open({
      path: options.path,
      maxDbs: 8,
      // The store groups its writes itself (group-commit.ts). lmdb's own
      // per-turn batching adds a marker write whose promise nobody can hold:
      // when a commit fails (disk full, I/O error) that promise rejects
      // unhandled, which ends a Node process in its default mode.
      eventTurnBatching: false,
      ...(options.mapSize !== undefined ? { mapSize: options.mapSize } : {}),
      ...LMDB_SYNC_FLAGS[options.durability],
    });
  } catch (err) {
    throw storeOpenFailed(options.path, err);
  }
  return {
    root,
    data: root.openDB<string, string>({ name: DATABASE_NAMES.data, encoding: 'string' }),
    expiry: root.openDB<Buffer, string>({ name: DATABASE_NAMES.expiry, encoding: 'binary' }),
    meta: root.openDB<Buffer, string>({ name: DATABASE_NAMES.meta, encoding: 'binary' }),
    users: root.openDB<string, string>({ name: DATABASE_NAMES.users, encoding: 'string' }),
    userOf: root.openDB<string, string>({ name: DATABASE_NAMES.userOf, encoding: 'string' }),
    ifExists: lmdb.IF_EXISTS,
  };
}

/** The conditional write of `db`, typed with its options argument. */
export function conditionalWrite(db: Database<unknown, string>): ConditionalWrite {
  return (db.ifVersion as unknown as ConditionalWrite).bind(db);
}
