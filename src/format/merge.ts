import { dataPartOf } from './data-part';

/**
 * The save rule of our stores when concurrent requests share one session.
 *
 * Each request loads the whole session, changes some keys and saves the
 * whole session back; written as it is, the last save would undo every key
 * the other requests changed meanwhile. Instead the save is a three-way merge
 * at the top-level key, against what the store holds at the moment of the
 * write (the caller runs this inside its atomic read-modify-write):
 *
 * - base   = the data this request loaded (or last saved),
 * - mine   = the session this request saves,
 * - theirs = what the store holds now.
 *
 * A key this request did not change keeps theirs; a key it added, changed or
 * deleted takes mine; the cookie takes mine. Values are compared as the JSON
 * they serialise to, so Dates and nested objects compare by content.
 *
 * Base is in the change tracker's "after the cookie" form: `,"views":2}` for
 * `{"cookie":{…},"views":2}`, and `}` for a session with no data.
 */

/** What a save with a known base becomes: the text to store, or DROP when the session ended meanwhile. */
export const DROP: unique symbol = Symbol('wasm-session.drop-save');

/**
 * The text to store for a save of `mine` whose request loaded `baseData`,
 * given the stored text `theirs` (undefined when the session is gone).
 *
 * A session that is gone (destroyed, expired or evicted since this request
 * loaded it) stays gone: the save is dropped, so a logout is not undone by a
 * request that was already in flight. Unreadable stored text is overwritten
 * with mine, as a plain save would.
 */
export function mergeOnSave(baseData: string, mine: string, theirs: string | undefined): string | typeof DROP {
  const merged = mergeOverStored(baseData, mine, theirs);
  return merged === MINE_OVER_BASE ? mine : merged;
}

/**
 * What mergeOnSave answers "mine" with when the store held exactly the base
 * (nobody wrote since this request loaded): the stores' per-user index then
 * knows the stored user is the base's, without reading it.
 */
export const MINE_OVER_BASE: unique symbol = Symbol('wasm-session.mine-over-base');

/** mergeOnSave, telling the common case (store held the base, mine is stored as it is) apart as MINE_OVER_BASE. */
export function mergeOverStored(baseData: string, mine: string, theirs: string | undefined): string | typeof DROP | typeof MINE_OVER_BASE {
  if (theirs === undefined) return DROP;
  // The common case: nobody wrote since this request loaded, so mine is the answer as it is.
  const theirsData = dataPartOf(theirs);
  if (theirsData === baseData) return MINE_OVER_BASE;
  // Mine unchanged from base: the store's data wins; only the cookie is this request's.
  if (theirsData !== undefined && dataPartOf(mine) === baseData) return spliceCookie(mine, theirsData) ?? mergeKeys(baseData, mine, theirs);
  return mergeKeys(baseData, mine, theirs);
}

/** Mine's cookie followed by the given data part; undefined when mine does not start with its cookie. */
function spliceCookie(mine: string, data: string): string | undefined {
  const myData = dataPartOf(mine);
  return myData === undefined ? undefined : mine.slice(0, mine.length - myData.length) + data;
}

type Json = Record<string, unknown>;

function parseObject(text: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The last base, parsed. Concurrent saves of one session mostly share the
 * base they loaded, so in a burst this parse (and the JSON of its keys)
 * would repeat for every save. The cached object is only read, never handed out.
 */
class ParsedText {
  text = '';
  value: Json | undefined = undefined;
  /** JSON of the value's keys, as changedByMe compares them. */
  readonly keyJSON = new Map<string, string | undefined>();

  parse(text: string): Json | undefined {
    if (text !== this.text) {
      this.text = text;
      this.value = parseObject(text);
      this.keyJSON.clear();
    }
    return this.value;
  }

  /** The JSON of one key of the value (parse() first). */
  json(key: string): string | undefined {
    let json = this.keyJSON.get(key);
    if (json === undefined && !this.keyJSON.has(key)) {
      json = JSON.stringify(this.value![key]);
      this.keyJSON.set(key, json);
    }
    return json;
  }
}

const lastBase = new ParsedText();
/** The last merge's output as built: each save of a burst is merged over the text the one before produced. Only read. */
let lastMerged: { text: string; value: Json } | undefined;

const has = (obj: Json, key: string): boolean => Object.prototype.hasOwnProperty.call(obj, key);

/** The key-by-key merge; the result starts with mine's cookie, so the stores' cookie-splicing touch keeps working. */
function mergeKeys(baseData: string, mine: string, theirs: string): string {
  // `,"k":v}` becomes `{"k":v}`; `}` (no data) becomes `{}`.
  const base = lastBase.parse(baseData === '}' ? '{}' : '{' + baseData.slice(1));
  const my = parseObject(mine);
  const their = theirs === lastMerged?.text ? lastMerged.value : parseObject(theirs);
  // Unreadable text on any side: no merge is meaningful, and a plain save would write mine.
  if (base === undefined || my === undefined || their === undefined) return mine;

  const changedByMe = (key: string): boolean => !has(base, key) || lastBase.json(key) !== JSON.stringify(my[key]);
  // A prototype-less object, so that a key named __proto__ is data like any other.
  const out: Json = Object.create(null) as Json;
  if (has(my, 'cookie')) out.cookie = my.cookie;
  else if (has(their, 'cookie')) out.cookie = their.cookie;
  for (const key of Object.keys(their)) {
    if (key === 'cookie') continue;
    if (has(my, key)) out[key] = changedByMe(key) ? my[key] : their[key];
    else if (!has(base, key)) out[key] = their[key]; // added by another request; this one never saw it
    // else: this request deleted it
  }
  for (const key of Object.keys(my)) {
    if (key === 'cookie' || has(their, key)) continue;
    // Absent from theirs: keep it only if this request added or changed it (another request deleted it otherwise).
    if (changedByMe(key)) out[key] = my[key];
  }
  const merged = JSON.stringify(out);
  lastMerged = { text: merged, value: out };
  return merged;
}
