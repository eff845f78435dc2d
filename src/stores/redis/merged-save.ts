import { redisSaveContended } from '../../errors';
import { MINE_OVER_BASE, mergeOverStored } from '../../format/merge';
import type { RedisCommands } from './client';
import { runScript, SCRIPTS } from './scripts';

/** Rounds of "merge, then write if nobody wrote meanwhile" before a save gives up; each needs another write to land in between. */
const MAX_ATTEMPTS = 16;

/**
 * A save whose request loaded the session, merged with what Redis holds at
 * the moment of the write (format/merge.ts), atomically: a compare-and-set
 * script. The common case, nobody wrote since the request loaded, is one
 * round trip. When another process wrote meanwhile, the script hands back
 * the stored text, the merge runs here, in the same code as MemoryStore's
 * and LmdbStore's, and the merged text is written only if the stored text is
 * still the one merged against; else again. The merge rule therefore has
 * one home instead of a second copy in Lua.
 *
 * Resolves with the text written, or undefined when the session is gone
 * (destroyed or expired since the request loaded it): the save is dropped.
 */
export async function saveMerged(client: RedisCommands, key: string, mine: string, baseData: string, expiry: string): Promise<string | undefined> {
  let text = mine;
  let mode = 'b';
  let expected = baseData;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const reply = await runScript(client, SCRIPTS.saveIfBase, key, [text, mode, expected, expiry]);
    if (reply === 1) return text;
    if (reply === 0) return undefined;
    const theirs = String(reply);
    const merged = mergeOverStored(baseData, mine, theirs);
    // DROP cannot come back: theirs is a stored text.
    text = merged === MINE_OVER_BASE ? mine : (merged as string);
    mode = 'f';
    expected = theirs;
  }
  throw redisSaveContended(MAX_ATTEMPTS);
}
