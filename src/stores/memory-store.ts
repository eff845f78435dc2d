import { Store } from '../store';
import type { StoreCallback, StoredSession } from '../types';
import { FAST_STORE, type FastStoreAccess } from './fast-store';

/**
 * Placeholder in-process store (a Map of JSON text with expiry checks) until
 * the Wasm engine lands. Implements the full Store API and the fast access.
 */
export class MemoryStore extends Store {
  private readonly sessions = new Map<string, { json: string; expiresAt: number }>();
  readonly [FAST_STORE]: FastStoreAccess;

  constructor() {
    super();
    const sessions = this.sessions;
    const read = (sid: string): string | undefined => {
      const entry = sessions.get(sid);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= Date.now()) {
        sessions.delete(sid);
        return undefined;
      }
      return entry.json;
    };
    const write = (sid: string, json: string, expiresAt: number): void => {
      sessions.set(sid, { json, expiresAt: Number.isNaN(expiresAt) ? Infinity : expiresAt });
    };
    this[FAST_STORE] = {
      readJSON: read,
      writeJSON: write,
      touch: write,
      destroy: (sid) => {
        sessions.delete(sid);
      },
    };
  }

  get(sid: string, callback: StoreCallback<StoredSession | null | undefined>): void {
    const json = this[FAST_STORE].readJSON(sid);
    process.nextTick(callback, null, json === undefined ? undefined : JSON.parse(json));
  }

  set(sid: string, session: { cookie?: { expires?: unknown } }, callback?: StoreCallback): void {
    const expires = session.cookie?.expires;
    this[FAST_STORE].writeJSON(sid, JSON.stringify(session), expires instanceof Date ? expires.getTime() : NaN);
    if (callback) process.nextTick(callback, null);
  }

  touch(sid: string, session: { cookie?: { expires?: unknown } }, callback?: StoreCallback): void {
    const entry = this.sessions.get(sid);
    if (entry) {
      const expires = session.cookie?.expires;
      entry.expiresAt = expires instanceof Date ? expires.getTime() : Infinity;
    }
    if (callback) process.nextTick(callback, null);
  }

  destroy(sid: string, callback?: StoreCallback): void {
    this.sessions.delete(sid);
    if (callback) process.nextTick(callback, null);
  }

  all(callback: StoreCallback<Record<string, StoredSession>>): void {
    const out: Record<string, StoredSession> = Object.create(null);
    for (const sid of this.sessions.keys()) {
      const json = this[FAST_STORE].readJSON(sid);
      if (json !== undefined) out[sid] = JSON.parse(json);
    }
    process.nextTick(callback, null, out);
  }

  length(callback: StoreCallback<number>): void {
    this.all((err, all) => callback(err, all ? Object.keys(all).length : 0));
  }

  clear(callback?: StoreCallback): void {
    this.sessions.clear();
    if (callback) process.nextTick(callback, null);
  }
}
