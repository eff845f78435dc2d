import { topLevelField, userNeedle } from '../../format/user-field';
import type { RedisCommands } from './client';
import { runScript, SCRIPTS } from './scripts';

/**
 * RedisStore's per-user index: one set per user, `userPrefix + <user JSON>`,
 * holding the IDs of that user's sessions. Shared by every process on the
 * Redis, so `destroyAllOf` in one logs the user out in all.
 *
 * The set is a superset of the user's live sessions, never a subset: a save
 * or touch that names the user adds the session (and stretches the set's own
 * expiry to at least the session's), while destroys, expiries and a session
 * changing user are not tracked eagerly. Reads check every member against
 * its session (still stored, still this user) and remove the gone ones, so
 * `idsOf` costs one round trip per call plus O(sessions of that user) small
 * reads, and no SCAN. The set itself expires when its longest-lived session
 * would, so a user nobody asks about leaves nothing behind.
 *
 * One key per command or script: on a cluster the set lives in its user's
 * slot and each session in its own, which is why no hash tag is needed.
 */
export class RedisUserIndex {
  private readonly needle: string;

  constructor(
    private readonly client: RedisCommands,
    userKey: string,
    private readonly userPrefix: string,
    private readonly sessionKey: (sid: string) => string,
  ) {
    this.needle = userNeedle(userKey);
  }

  /** The user's JSON text in a session's text, or undefined. */
  userIn(json: string): string | undefined {
    return topLevelField(json, this.needle);
  }

  /**
   * Lists `sid` under `user` (its JSON text) for at least `seconds` (NaN: for
   * as long as the set lives). Sent in the same turn as the session's own
   * write, so both travel in one round trip; listing a session whose write
   * is then dropped costs nothing but a member that the next read removes.
   */
  add(sid: string, user: string, seconds: number): Promise<unknown> {
    const lifetime = Number.isNaN(seconds) ? '' : String(Math.ceil(seconds * 1000));
    return runScript(this.client, SCRIPTS.indexAdd, this.userPrefix + user, [sid, lifetime]);
  }

  /** The IDs of the live sessions of `user` (its JSON text); members found dead are removed on the way. */
  async live(user: string): Promise<string[]> {
    const key = this.userPrefix + user;
    const members = await this.client.sMembers(key);
    if (members.length === 0) return [];
    // Issued in one turn: node-redis pipelines them (per node on a cluster).
    const texts = await Promise.all(members.map((sid) => this.client.get(this.sessionKey(sid))));
    const live: string[] = [];
    const dead: string[] = [];
    members.forEach((sid, i) => {
      const text = texts[i];
      if (text && this.userIn(text) === user) live.push(sid);
      // Only a session that is gone leaves the set: gone stays gone (a save
      // that loaded it is dropped), while a session now of another user, or
      // of none, could be saved with this user again before a removal landed.
      else if (!text) dead.push(sid);
    });
    if (dead.length > 0) await this.client.sRem(key, dead);
    return live;
  }

  /** Drops `sids` from the user's set (after destroyAllOf removed them). */
  async forget(user: string, sids: string[]): Promise<void> {
    if (sids.length > 0) await this.client.sRem(this.userPrefix + user, sids);
  }
}
