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
 * `stored`, when given, is the text this process just wrote under the key
 * (the save before this one, in the same process): the merge runs against it
 * at once, and the write is one round trip unless someone else wrote since.
 *
 * Resolves with the text written, or undefined when the session is gone
 * (destroyed or expired since the request loaded it): the save is dropped.
 */
export async function saveMerged(
  client: RedisCommands,
  key: string,
  mine: string,
  baseData: string,
  expiry: string,
  stored?: string,
): Promise<string | undefined> {
  let text = stored === undefined ? mine : mergedOver(baseData, mine, stored);
  let mode = stored === undefined ? 'b' : 'f';
  let expected = stored ?? baseData;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const reply = await runScript(client, SCRIPTS.saveIfBase, key, [text, mode, expected, expiry]);
    if (reply === 1) return text;
    if (reply === 0) return undefined;
    const theirs = String(reply);
    text = mergedOver(baseData, mine, theirs);
    mode = 'f';
    expected = theirs;
  }
  throw redisSaveContended(MAX_ATTEMPTS);
}

/** The text to write over the stored text `theirs` (format/merge.ts); DROP cannot come back, since theirs is stored. */
function mergedOver(baseData: string, mine: string, theirs: string): string {
  const merged = mergeOverStored(baseData, mine, theirs);
  return merged === MINE_OVER_BASE ? mine : (merged as string);
}
