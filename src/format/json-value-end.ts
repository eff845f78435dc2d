/**
 * Where a JSON value ends in stored-session text, without parsing it: change
 * detection (request/change-tracker.ts) uses it to find the data after the
 * cookie, the per-user index (format/user-field.ts) to read one top-level field.
 */

/** Index just past the JSON value starting at `i` (object, array, string or literal), or -1 if it never ends. */
export function endOfValue(json: string, i: number): number {
  let depth = 0;
  for (; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
      if (depth === 0) return i + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (--depth <= 0) return depth === 0 ? i + 1 : i;
    } else if (c === 0x2c /* , */ && depth === 0) {
      return i;
    }
  }
  return -1;
}
