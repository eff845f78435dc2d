/**
 * The merge rule (src/format/merge.ts) keeps the last base and the last merged
 * text parsed, since a burst of saves of one session repeats both. Whatever
 * those caches hold, a merge answers exactly what it answers from fresh
 * parses: checked on generated sessions (nested values, arrays, a
 * `__proto__` key, deletions), merged in a chain as a burst is, against the
 * same chain merged by a new instance of the module for every merge.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { mergeOnSave } = require('../dist/format/merge.js');
const { dataPartOf } = require('../dist/format/data-part.js');

const COOKIE = { path: '/', originalMaxAge: 1 };
const text = (data: Record<string, unknown>, cookie: object = COOKIE) => JSON.stringify({ cookie, ...data });
/** JSON.parse, so that a `__proto__` key is an own key as in stored text. */
const session = fc
  .dictionary(
    fc.constantFrom('a', 'b', 'c', 'user', '__proto__', 'views'),
    fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.constantFrom('x', 'y'), fc.integer())),
    { maxKeys: 5 },
  )
  .map((data) => JSON.parse(JSON.stringify(data)) as Record<string, unknown>);

/** A merge by a new instance of the module, whose caches are empty: every text is parsed afresh. */
const modulePath = require.resolve('../dist/format/merge.js');
function freshMerge(base: string, mine: string, theirs: string): unknown {
  delete require.cache[modulePath];
  return (require(modulePath) as { mergeOnSave: typeof mergeOnSave }).mergeOnSave(base, mine, theirs);
}

describe('merge caches', () => {
  it('a chain of merges over one base answers what fresh parses answer', () => {
    // As requests change a session: the loaded data with some keys replaced or deleted and others added.
    const edited = (loaded: Record<string, unknown>, edit: Record<string, unknown>, drop: string[]) => {
      const out = JSON.parse(JSON.stringify({ ...loaded, ...edit }));
      for (const key of drop) delete out[key];
      return out as Record<string, unknown>;
    };
    const change = fc.tuple(session, fc.subarray(['a', 'b', 'c', 'user', '__proto__', 'views']));
    fc.assert(
      fc.property(session, fc.array(change, { minLength: 1, maxLength: 4 }), change, (loaded, edits, storedEdit) => {
        const mines = edits.map(([edit, drop]) => edited(loaded, edit, drop));
        const stored = edited(loaded, ...storedEdit);
        const base = dataPartOf(text(loaded));
        const chained: unknown[] = [];
        let theirs = text(stored);
        for (const mine of mines) {
          const merged = mergeOnSave(base, text(mine, { path: '/', originalMaxAge: 2 }), theirs);
          chained.push(merged);
          if (typeof merged === 'string') theirs = merged;
        }
        const fresh: unknown[] = [];
        theirs = text(stored);
        for (const mine of mines) {
          const merged = freshMerge(base, text(mine, { path: '/', originalMaxAge: 2 }), theirs);
          fresh.push(merged);
          if (typeof merged === 'string') theirs = merged;
        }
        expect(chained).toEqual(fresh);
      }),
      { numRuns: 300, seed: 20261207 },
    );
  });
});
