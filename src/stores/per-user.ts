import type { StoreCallback } from '../types';

/**
 * The per-user methods our stores share ("log out everywhere"). `user` is the
 * value of the store's `userKey` field (compared as JSON text, so 42 and "42"
 * are different users).
 */
export interface PerUserSessions {
  /** The IDs of the user's live sessions. */
  idsOf(user: unknown, callback: StoreCallback<string[]>): void;
  idsOf(user: unknown): Promise<string[]>;
  /** Destroys every session of the user except `exceptSid` (undefined: all of them); resolves with how many went. */
  destroyAllOf(user: unknown, exceptSid: string | undefined, callback: StoreCallback<number>): void;
  destroyAllOf(user: unknown, exceptSid?: string): Promise<number>;
}
