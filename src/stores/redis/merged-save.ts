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
 */

/** One compare-and-set: write `text` if the stored session matches `expected` (a data part in mode 'b', a whole text in mode 'f'). */
export interface SaveAttempt {
  readonly text: string;
  readonly mode: 'b' | 'f';
  readonly expected: string;
}

/**
 * The first attempt of a save of `mine` loaded with `baseData`. `predicted`,
 * when given, is the text an earlier save of the same session in this
 * process is writing right now: merged against it at once, this attempt can
 * travel right behind that one and succeeds whenever it did.
 */
export function firstAttempt(baseData: string, mine: string, predicted: string | undefined): SaveAttempt {
  return predicted === undefined ? { text: mine, mode: 'b', expected: baseData } : { text: mergedOver(baseData, mine, predicted), mode: 'f', expected: predicted };
}

/**
 * Runs the save from `attempt` on; `onOvertaken` hears when its first
 * attempt was overtaken. When that first attempt is overtaken and
 * `earlier` is given (the saves of this session before it in this process),
 * it waits for them and merges against the text they left, so a burst of one
 * browser's requests does not retry in lockstep.
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
  attempt: SaveAttempt,
  earlier?: () => Promise<string | undefined>,
  onOvertaken?: () => void,
): Promise<string | undefined> {
  for (let round = 0; round < MAX_ATTEMPTS; round++) {
    const reply = await runScript(client, SCRIPTS.saveIfBase, key, [attempt.text, attempt.mode, attempt.expected, expiry]);
    if (reply === 1) return attempt.text;
    if (reply === 0) return undefined;
    if (round === 0) onOvertaken?.();
    let theirs = String(reply);
    if (round === 0 && earlier !== undefined) theirs = (await earlier()) ?? theirs;
    attempt = { text: mergedOver(baseData, mine, theirs), mode: 'f', expected: theirs };
  }
  throw redisSaveContended(MAX_ATTEMPTS);
}

/** The text to write over the stored text `theirs`; DROP cannot come back, since theirs is stored. */
function mergedOver(baseData: string, mine: string, theirs: string): string {
  const merged = mergeOverStored(baseData, mine, theirs);
  return merged === MINE_OVER_BASE ? mine : (merged as string);
}
