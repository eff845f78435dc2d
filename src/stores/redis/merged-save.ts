import { redisSaveContended } from '../../errors';
import { MINE_OVER_BASE, mergeOverStored } from '../../format/merge';
import type { RedisCommands } from './client';
import { runScript, SCRIPTS } from './scripts';

/** Rounds of "merge, then write if nobody wrote meanwhile" before a save gives up; each needs another process's write to land in between. */
const MAX_ATTEMPTS = 16;

/**
 * Saves whose request loaded the session, merged with what Redis holds at
 * the moment of the write (format/merge.ts), atomically: a compare-and-set
 * script. The common case, nobody wrote since the request loaded, is one
 * round trip. When another process wrote meanwhile, the script hands back
 * the stored text, the merge runs here, in the same code as MemoryStore's
 * and LmdbStore's, and the merged text is written only if the stored text is
 * still the one merged against; else again. The merge rule therefore has
 * one home instead of a second copy in Lua.
 */

/** One request's save: the session it writes and the data part it loaded (its merge base). */
export interface MergedSave {
  readonly mine: string;
  readonly baseData: string;
}

/**
 * Writes `saves` (of one session, oldest first) as one compare-and-set, as
 * if each had been merged and written in turn: every save is merged over
 * the text the one before it left. `known` is the text this process last
 * wrote for the session, when it may still be what Redis holds; it spares
 * the first save's base check.
 *
 * Resolves with the text written, or undefined when the session is gone
 * (destroyed or expired since the requests loaded it): the saves are
 * dropped. Only writes of other processes can make it try again, since one
 * process writes each session one batch at a time (SessionSaves).
 */
export async function saveBatch(
  client: RedisCommands,
  key: string,
  saves: readonly MergedSave[],
  known: string | undefined,
  expiry: string,
): Promise<string | undefined> {
  let attempt = known === undefined ? overBase(saves) : over(saves, known);
  for (let round = 0; round < MAX_ATTEMPTS; round++) {
    const reply = await runScript(client, SCRIPTS.saveIfBase, key, [attempt.text, attempt.mode, attempt.expected, expiry]);
    if (reply === 1) return attempt.text;
    if (reply === 0) return undefined;
    attempt = over(saves, String(reply));
  }
  throw redisSaveContended(MAX_ATTEMPTS);
}

/** One compare-and-set: write `text` if the stored session matches `expected` (a data part in mode 'b', a whole text in mode 'f'). */
interface SaveAttempt {
  readonly text: string;
  readonly mode: 'b' | 'f';
  readonly expected: string;
}

/** Nothing known of the stored text: written if it still holds the first save's base, with the later saves merged over the first. */
function overBase(saves: readonly MergedSave[]): SaveAttempt {
  const [first] = saves;
  let text = first!.mine;
  for (let i = 1; i < saves.length; i++) text = mergedOver(saves[i]!, text);
  return { text, mode: 'b', expected: first!.baseData };
}

/** Every save merged, in turn, over the stored text `theirs`; written if Redis still holds exactly that. */
function over(saves: readonly MergedSave[], theirs: string): SaveAttempt {
  let text = theirs;
  for (const save of saves) text = mergedOver(save, text);
  return { text, mode: 'f', expected: theirs };
}

/** The text to write over the stored text `theirs`; DROP cannot come back, since theirs is stored. */
function mergedOver(save: MergedSave, theirs: string): string {
  const merged = mergeOverStored(save.baseData, save.mine, theirs);
  return merged === MINE_OVER_BASE ? save.mine : (merged as string);
}
