import type { LruStoreEngine } from '../../wasm/lru-store';
import { keepsBaseUser, topLevelField, userNeedle } from '../../format/user-field';

/** Index entries allowed beyond twice the live sessions before a pruning pass. */
const PRUNE_SLACK = 1024;

/**
 * MemoryStore's per-user index: user (the JSON text of the `userKey` field)
 * → the IDs of that user's sessions, kept in the JS heap beside the Wasm
 * store.
 *
 * Saves and destroys go through this store's code and update the index at
 * once. Evictions and expiries happen inside the Wasm engine, which does not
 * report them; rather than make every eviction call out to JS, an entry is
 * checked against the engine (`has`, which neither bumps the LRU order nor
 * counts as a hit) whenever it is read, and dead ones are dropped then:
 * `idsOf` never lists a dead session. To keep entries of sessions nobody asks
 * about from piling up, a pass over the whole index runs whenever it holds
 * more than twice the live sessions plus PRUNE_SLACK; each pass at least
 * halves the excess, so its cost is spread over the saves that grew it and
 * the index stays within a constant factor of the live sessions.
 */
export class MemoryUserIndex {
  private readonly needle: string;
  private readonly userOf = new Map<string, string>();
  private readonly sessionsOf = new Map<string, Set<string>>();

  constructor(
    userKey: string,
    private readonly engine: LruStoreEngine,
  ) {
    this.needle = userNeedle(userKey);
  }

  /** After a successful write of `json` under `sid`. Costs an indexOf and a Map lookup when the user did not change. */
  written(sid: string, json: string): void {
    const user = topLevelField(json, this.needle);
    const previous = this.userOf.get(sid);
    if (user === previous) return;
    if (previous !== undefined) this.unlink(sid, previous);
    if (user === undefined) {
      this.userOf.delete(sid);
      return;
    }
    this.userOf.set(sid, user);
    let sessions = this.sessionsOf.get(user);
    if (sessions === undefined) this.sessionsOf.set(user, (sessions = new Set()));
    sessions.add(sid);
    if (this.userOf.size > 2 * this.engine.entries + PRUNE_SLACK) this.prune();
  }

  /** Whether a save of `json` over stored data `baseData` provably keeps its user (then written() would change nothing). */
  keepsUser(baseData: string, json: string): boolean {
    return keepsBaseUser(baseData, json, this.needle);
  }

  removed(sid: string): void {
    const previous = this.userOf.get(sid);
    if (previous === undefined) return;
    this.userOf.delete(sid);
    this.unlink(sid, previous);
  }

  /** The live sessions of `user` (its JSON text); dead entries met are dropped. */
  live(user: string, now: number): string[] {
    const sessions = this.sessionsOf.get(user);
    if (sessions === undefined) return [];
    const ids: string[] = [];
    for (const sid of sessions) {
      if (this.engine.has(sid, now)) ids.push(sid);
      else this.removed(sid);
    }
    return ids;
  }

  clear(): void {
    this.userOf.clear();
    this.sessionsOf.clear();
  }

  /** How many sessions the index holds (live or not yet found dead); for tests. */
  get size(): number {
    return this.userOf.size;
  }

  /** Drops every entry whose session the engine no longer holds. */
  prune(now = Date.now()): void {
    for (const sid of this.userOf.keys()) if (!this.engine.has(sid, now)) this.removed(sid);
  }

  private unlink(sid: string, user: string): void {
    const sessions = this.sessionsOf.get(user);
    if (sessions === undefined) return;
    sessions.delete(sid);
    if (sessions.size === 0) this.sessionsOf.delete(user);
  }
}
