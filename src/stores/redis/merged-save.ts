import { MINE_OVER_BASE, mergeOverStored } from '../../format/merge';
import type { RedisCommands } from './client';
import { runScript, SCRIPTS } from './scripts';

/**
 * Saves whose request loaded the session, merged with what Redis holds at
 * the moment of the write (format/merge.ts), atomically: a compare-and-set
 * script. The common case, nobody wrote since the request loaded, is one
 * round trip. When another process wrote meanwhile, the script hands back
 * the stored text, the merge runs here, in the same code as MemoryStore's
 * and LmdbStore's, and the merged text is written only if the stored text is
 * still the one merged against. The merge rule therefore has one home
 * instead of a second copy in Lua. session-saves.ts decides what each
 * attempt carries and when it is sent.
 */

/** One request's save: the session it writes and the data part it loaded (its merge base). */
export interface MergedSave {
  readonly mine: string;
  readonly baseData: string;
}

/** One compare-and-set: write `text` if the stored session matches `expected` (a data part in mode 'b', a whole text in mode 'f'). */
export interface SaveAttempt {
  readonly text: string;
  readonly mode: 'b' | 'f';
  readonly expected: string;
}

/** What the script answers: mine was written, the session is gone (the save is dropped), or the stored text that did not match. */
export const WRITTEN = 1;
export const GONE = 0;
export type SaveReply = typeof WRITTEN | typeof GONE | string;

/**
 * The attempt that writes `saves` (of one session, oldest first) as if each
 * had been merged and written in turn, over `theirs`: the stored text it
 * expects, when known. Unknown, it expects the first save's base and merges
 * the later ones over the first.
 */
export function attemptFor(saves: readonly MergedSave[], theirs: string | undefined): SaveAttempt {
  if (theirs !== undefined) {
    let text = theirs;
    for (const save of saves) text = mergedOver(save, text);
    return { text, mode: 'f', expected: theirs };
  }
  const [first] = saves;
  let text = first!.mine;
  for (let i = 1; i < saves.length; i++) text = mergedOver(saves[i]!, text);
  return { text, mode: 'b', expected: first!.baseData };
}

/** Runs one attempt; `expiry` in seconds as the script takes it ('' for none). */
export async function compareAndSet(client: RedisCommands, key: string, attempt: SaveAttempt, expiry: string): Promise<SaveReply> {
  const reply = await runScript(client, SCRIPTS.saveIfBase, key, [attempt.text, attempt.mode, attempt.expected, expiry]);
  return reply === WRITTEN || reply === GONE ? reply : String(reply);
}

/** The text to write over the stored text `theirs`; DROP cannot come back, since theirs is stored. */
function mergedOver(save: MergedSave, theirs: string): string {
  const merged = mergeOverStored(save.baseData, save.mine, theirs);
  return merged === MINE_OVER_BASE ? save.mine : (merged as string);
}
