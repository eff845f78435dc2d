import type { LmdbEnvironment } from './open-env';
import { decodeExpiry } from './record';
import { keepsBaseUser, topLevelField, userNeedle } from '../../format/user-field';

/**
 * LmdbStore's per-user index, kept inside the environment so that every
 * process on the path shares it: `users` holds one key per session,
 * `<user JSON>\u0001<sid>`, so a user's sessions are one key range; `userOf`
 * maps sid → user JSON, so a removal needs no read of the session's data.
 * (JSON text never holds a raw U+0001, so the first one ends the user.)
 *
 * Every change runs inside the write transaction that writes or removes the
 * session, so the index and the sessions commit together: a destroy in one
 * process is seen by idsOf in all. Sweeps remove the entries of the sessions
 * they remove (sweep-pass.ts), so the index holds at most one entry per stored
 * session; idsOf also checks each entry's expiry, so an expired session not
 * yet swept is never listed.
 */
const SEPARATOR = '\u0001';
const END_OF_RANGE = '\u0002';
/** lmdb's key limit (1978 bytes), with room to spare; a longer user is not indexed. */
const MAX_KEY_BYTES = 1900;

export class LmdbUserIndex {
  private readonly needle: string;

  constructor(
    private readonly env: LmdbEnvironment,
    userKey: string,
  ) {
    this.needle = userNeedle(userKey);
  }

  /**
   * Inside the write transaction, after `json` was put under `sid`. A save
   * that keeps the user costs one small read (userOf) and the field search.
   */
  written(sid: string, json: string): void {
    const { users, userOf } = this.env;
    const user = topLevelField(json, this.needle);
    const previous = userOf.get(sid);
    if (user === previous) return;
    if (previous !== undefined) users.remove(previous + SEPARATOR + sid);
    if (user === undefined || !fitsKey(user, sid)) {
      if (previous !== undefined) userOf.remove(sid);
      return;
    }
    users.put(user + SEPARATOR + sid, '');
    userOf.put(sid, user);
  }

  /**
   * Whether a save of `json` over stored data `baseData` provably keeps its
   * user: then written() would change nothing, and the sid → user read is
   * saved as well.
   */
  keepsUser(baseData: string, json: string): boolean {
    return keepsBaseUser(baseData, json, this.needle);
  }
}

/** Inside a write transaction (or a conditional write's action): drops the entry of `sid`, given its indexed user. */
export function unindex(env: LmdbEnvironment, sid: string, user: string | undefined): void {
  if (user === undefined) return;
  env.users.remove(user + SEPARATOR + sid);
  env.userOf.remove(sid);
}

/** The IDs indexed under `user` (its JSON text) whose sessions are still live at `now`, from the current read snapshot. */
export function liveSessionsOf(env: LmdbEnvironment, user: string, now: number): string[] {
  const { users, expiry } = env;
  const prefix = user + SEPARATOR;
  const ids: string[] = [];
  for (const key of users.getKeys({ start: prefix, end: user + END_OF_RANGE })) {
    const sid = (key as string).slice(prefix.length);
    const stamp = expiry.getBinaryFast(sid);
    if (stamp !== undefined && decodeExpiry(stamp) > now) ids.push(sid);
  }
  return ids;
}

function fitsKey(user: string, sid: string): boolean {
  const chars = user.length + 1 + sid.length;
  return chars * 3 <= MAX_KEY_BYTES || Buffer.byteLength(user) + 1 + Buffer.byteLength(sid) <= MAX_KEY_BYTES;
}
