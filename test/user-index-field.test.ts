// How the per-user index finds the user in a session's JSON text (src/format/user-field.ts).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { topLevelField, userNeedle, userText } = require('../dist/format/user-field.js');

const field = (value: unknown) => topLevelField(JSON.stringify(value), userNeedle('userId'));

describe('topLevelField', () => {
  it('finds the top-level field after the cookie, as JSON text', () => {
    expect(field({ cookie: { path: '/', expires: '2030-01-01T00:00:00.000Z' }, userId: 'ann', v: 1 })).toBe('"ann"');
    expect(field({ userId: 42 })).toBe('42');
    expect(field({ cookie: {}, userId: { a: [1, '}'] } })).toBe('{"a":[1,"}"]}');
  });

  it('ignores the name nested in another value or inside a string, and treats null as no user', () => {
    expect(field({ profile: { userId: 'ann' } })).toBeUndefined();
    expect(field({ note: '"userId":"ann"', list: [{ userId: 1 }] })).toBeUndefined();
    expect(field({ note: 'x\\"userId":1\\', userId: 'real' })).toBe('"real"');
    expect(field({ userId: null })).toBeUndefined();
    expect(field({})).toBeUndefined();
  });

  it('userText keys users by their JSON, so 42 and "42" differ and null is nobody', () => {
    expect(userText(42)).toBe('42');
    expect(userText('42')).toBe('"42"');
    expect(userText(null)).toBeUndefined();
    expect(userText(undefined)).toBeUndefined();
  });
});
