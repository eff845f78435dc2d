// The merge rule itself (src/format/merge.ts), key by key.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { mergeOnSave, DROP } = require('../dist/format/merge.js');
const { dataPartOf } = require('../dist/format/data-part.js');

const C1 = { path: '/', originalMaxAge: 1 };
const C2 = { path: '/', originalMaxAge: 2 };
const text = (data: object, cookie: object = C1) => JSON.stringify({ cookie, ...data });
const base = (data: object) => dataPartOf(text(data));
const merge = (b: object, mine: object, theirs: object | undefined) =>
  mergeOnSave(base(b), text(mine, C2), theirs === undefined ? undefined : text(theirs));

describe('mergeOnSave', () => {
  it('keeps theirs for keys this request left alone, takes mine for keys it added, changed or deleted, and mine\'s cookie', () => {
    const out = JSON.parse(merge({ a: 1, b: 1, c: 1 }, { a: 2, b: 1, d: 4 }, { a: 1, b: 3, c: 1, e: 5 }));
    expect(out).toEqual({ cookie: C2, a: 2, b: 3, d: 4, e: 5 });
    expect(Object.keys(out)[0]).toBe('cookie');
  });

  it('a key deleted by the other request stays deleted unless this request changed it', () => {
    expect(JSON.parse(merge({ a: 1, b: 1 }, { a: 1, b: 2 }, {}))).toEqual({ cookie: C2, b: 2 });
  });

  it('both change one key: mine (the later writer) wins', () => {
    expect(JSON.parse(merge({ a: 1 }, { a: 'mine' }, { a: 'theirs' }))).toEqual({ cookie: C2, a: 'mine' });
  });

  it('compares values as JSON: equal nested objects and Date strings are unchanged, a changed nested value is mine', () => {
    const when = new Date(0).toISOString();
    const b = { n: { x: [1, 2] }, when };
    expect(JSON.parse(merge(b, { n: { x: [1, 2] }, when }, { n: { x: [9] }, when: 'later' }))).toEqual({ cookie: C2, n: { x: [9] }, when: 'later' });
    expect(JSON.parse(merge(b, { n: { x: [1, 3] }, when }, { n: { x: [9] }, when }))).toEqual({ cookie: C2, n: { x: [1, 3] }, when });
  });

  it('returns mine as it is when nothing was written since the load, and DROP when the session is gone', () => {
    const mine = text({ a: 2 }, C2);
    expect(mergeOnSave(base({ a: 1 }), mine, text({ a: 1 }))).toBe(mine);
    expect(mergeOnSave(base({ a: 1 }), mine, undefined)).toBe(DROP);
  });

  it('a key named __proto__ is data like any other; unreadable stored text is overwritten with mine', () => {
    const out = mergeOnSave('}', '{"cookie":{},"__proto__":{"x":1}}', '{"cookie":{},"y":2}');
    expect(out).toBe('{"cookie":{},"y":2,"__proto__":{"x":1}}');
    expect(mergeOnSave('}', text({ a: 1 }), '{not json')).toBe(text({ a: 1 }));
  });
});
