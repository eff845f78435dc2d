import { closestName } from './closest-name';

/** The warning's `code`, for apps that filter process warnings. */
export const UNKNOWN_OPTION_WARNING = 'WARN_SESSION_UNKNOWN_OPTION';

// One warning per distinct mistake per process: an app that builds many stores
// (or a middleware per router) with one misspelling needs to read it once.
const warned = new Set<string>();

/**
 * Warns once, at setup, about each key of `options` that `where` does not
 * know: a misspelt option is otherwise silently ignored and its default
 * applies. The warning names the closest known key when there is one.
 * `where` names the API as users write it, e.g. `session()` or
 * `new MemoryStore()`.
 */
export function warnUnknownOptions(where: string, options: object, knownKeys: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (knownKeys.includes(key)) continue;
    const guess = closestName(key, knownKeys);
    const message = guess === undefined
      ? `${where} ignores the unknown option "${key}"; it knows ${knownKeys.join(', ')}`
      : `${where} ignores the unknown option "${key}"; did you mean ${guess}?`;
    if (warned.has(message)) continue;
    warned.add(message);
    process.emitWarning(message, { type: 'WasmSessionWarning', code: UNKNOWN_OPTION_WARNING });
  }
}

/**
 * `allKeysOf<Options>()([...])` returns the list as given, and fails to
 * compile when it names a key Options lacks or leaves one out, so a known-keys
 * list cannot drift from the options type.
 */
export function allKeysOf<Options>() {
  return <const Keys extends readonly (keyof Options & string)[]>(
    keys: Keys & ([Exclude<keyof Options & string, Keys[number]>] extends [never] ? unknown : { missing: Exclude<keyof Options & string, Keys[number]> }),
  ): readonly string[] => keys;
}
