import { describe, expect, it } from 'vitest';
import { keepsBaseUser, userNeedle } from '../src/format/user-field';
import { dataPartOf } from '../src/format/data-part';
import { MemoryStore } from '../src/stores/memory/memory-store';
import { FAST_STORE } from '../src/stores/fast-store';

const needle = userNeedle('userId');
const cookie = { originalMaxAge: 1000, expires: '2030-01-01T00:00:00.000Z', httpOnly: true, path: '/' };
const text = (data: object, c: object = cookie): string => JSON.stringify({ cookie: c, ...data });
const base = (data: object): string => dataPartOf(text(data))!;

describe('keepsBaseUser (the per-user index shortcut of a save)', () => {
  it('applies when the top-level user is the same and other keys changed', () => {
    expect(keepsBaseUser(base({ userId: 'u1', views: 1 }), text({ userId: 'u1', views: 2 }), needle)).toBe(true);
    expect(keepsBaseUser(base({ views: 1, userId: 42 }), text({ views: 3, userId: 42 }), needle)).toBe(true);
  });
  it('applies when neither side has the key at all', () => {
    expect(keepsBaseUser(base({ views: 1 }), text({ views: 2 }), needle)).toBe(true);
  });
  it('does not apply when the user changed, appeared or went', () => {
    expect(keepsBaseUser(base({ userId: 'u1' }), text({ userId: 'u2' }), needle)).toBe(false);
    expect(keepsBaseUser(base({ userId: 4 }), text({ userId: 42 }), needle)).toBe(false);
    expect(keepsBaseUser(base({ userId: 42 }), text({ userId: '42' }), needle)).toBe(false);
    expect(keepsBaseUser(base({ views: 1 }), text({ userId: 'u1' }), needle)).toBe(false);
    expect(keepsBaseUser(base({ userId: 'u1' }), text({ views: 1 }), needle)).toBe(false);
  });
  it('does not apply when the key is nested, not top-level', () => {
    expect(keepsBaseUser(base({ a: { userId: 'u1' } }), text({ a: { userId: 'u1' }, userId: 'u2' }), needle)).toBe(false);
    expect(keepsBaseUser(base({ a: { userId: 'u1' }, userId: 'u1' }), text({ a: { userId: 'u2' }, userId: 'u2' }), needle)).toBe(false);
    expect(keepsBaseUser(base({ views: 1 }), text({ a: [{ userId: 'u1' }] }), needle)).toBe(false);
  });
  it('does not apply when the key appears inside a string value', () => {
    const trick = '"userId":"u1"';
    expect(keepsBaseUser(base({ note: trick }), text({ note: trick, userId: 'u2' }), needle)).toBe(false);
    expect(keepsBaseUser(base({ note: trick, userId: 'u1' }), text({ note: 'x', userId: 'u2' }), needle)).toBe(false);
    // In the cookie: a path holding the needle is not mine's user.
    const odd = { ...cookie, path: '/"userId":"u1"' };
    expect(keepsBaseUser(base({ userId: 'u1' }), text({ userId: 'u2' }, odd), needle)).toBe(false);
    expect(keepsBaseUser(base({ userId: 'u1' }), text({ userId: 'u1' }, odd), needle)).toBe(false); // escapes: not shown cheaply
  });
  it('does not apply to a cookie it cannot match natively (nested or escaped), leaving it to the full update', () => {
    expect(keepsBaseUser(base({ userId: 'u1' }), text({ userId: 'u1' }, { ...cookie, extra: { a: 1 } }), needle)).toBe(false);
  });
});

describe('MemoryStore index through the shortcut', () => {
  it('follows a user change and a key inside a string on merged saves', async () => {
    const store = new MemoryStore({ userKey: 'userId', sweepInterval: 0 });
    const fast = store[FAST_STORE];
    const first = text({ userId: 'u1', views: 1 });
    await fast.writeJSON('s1', first, Date.now() + 60_000);
    // Unchanged user: still listed once.
    const second = text({ userId: 'u1', views: 2 });
    await fast.writeJSON('s1', second, Date.now() + 60_000, dataPartOf(first));
    expect(await store.idsOf('u1')).toEqual(['s1']);
    // Changed user, the old one mentioned inside a string.
    const third = text({ note: '"userId":"u1"', userId: 'u2' });
    await fast.writeJSON('s1', third, Date.now() + 60_000, dataPartOf(second));
    expect(await store.idsOf('u1')).toEqual([]);
    expect(await store.idsOf('u2')).toEqual(['s1']);
    // Nested only: no user any more.
    await fast.writeJSON('s1', text({ a: { userId: 'u2' } }), Date.now() + 60_000, dataPartOf(third));
    expect(await store.idsOf('u2')).toEqual([]);
    store.close();
  });
});
