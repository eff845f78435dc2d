/**
 * Touching a session the request never read, from its stored text alone: the
 * result must be what loading, touching and stringifying the session writes.
 */
import { describe, expect, it } from 'vitest';
import { touchUnreadSession } from '../src/format/touch-unread';
import { Cookie } from '../src/session/cookie';

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);

/** The full road: the stored cookie rebuilt as our Cookie, touched, and the session stringified again. */
function fullRoad(text: string, now: number): { json: string; expiresAt: number } {
  const stored = JSON.parse(text);
  const cookie = new Cookie({ ...stored.cookie, expires: stored.cookie.expires === null ? undefined : new Date(stored.cookie.expires) });
  cookie.originalMaxAge = stored.cookie.originalMaxAge;
  const maxAge = cookie.originalMaxAge;
  const expires = typeof maxAge === 'number' ? new Date(now + maxAge) : null;
  const touched = { ...stored, cookie: { ...stored.cookie, expires: expires === null ? null : expires.toISOString() } };
  return { json: JSON.stringify(touched), expiresAt: expires === null ? NaN : expires.getTime() };
}

describe('touchUnreadSession', () => {
  const texts = [
    '{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"views":3,"user":{"name":"ann"}}',
    '{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}',
    '{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/","sameSite":"lax"},"views":1}',
    '{"cookie":{"originalMaxAge":60000,"expires":"2026-12-04T11:00:00.000Z","httpOnly":true,"path":"/"},"views":1}',
    '{"cookie":{"originalMaxAge":60000,"expires":"2026-12-04T11:00:00.000Z","secure":true,"httpOnly":true,"path":"/app"}}',
  ];

  it.each(texts)('writes what the full road writes: %s', (text) => {
    const touched = touchUnreadSession(text, NOW);
    expect(touched).toBeDefined();
    const expected = fullRoad(text, NOW);
    expect(touched!.json).toBe(expected.json);
    expect(touched!.expiresAt).toEqual(expected.expiresAt);
  });

  it('leaves a default browser-session cookie exactly as stored', () => {
    const text = texts[0];
    expect(touchUnreadSession(text, NOW)).toEqual({ json: text, expiresAt: NaN });
  });

  it('sends an unusual cookie to the full road', () => {
    // A key our Cookie never writes, or one out of its order.
    expect(touchUnreadSession('{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/","extra":1}}', NOW)).toBeUndefined();
    expect(touchUnreadSession('{"cookie":{"path":"/","originalMaxAge":null,"expires":null,"httpOnly":true}}', NOW)).toBeUndefined();
  });
});
