import cookie from 'cookie';
import signature from 'cookie-signature';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CookieData } from '../src/session/cookie';
import { createSessionIdCodec } from '../src/cookie-codec/codec';
import { serializeSetCookie } from '../src/cookie-codec/set-cookie';

// serializeSetCookie caches attribute text between calls; it must still
// print exactly what cookie@0.7.2 serialize prints, and throw its errors.

function outcome(run: () => string): { value: string } | { error: string; type: string } {
  try {
    return { value: run() };
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).constructor.name };
  }
}

const dateArb = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }),
  fc.integer({ min: 0, max: 5000 }).map((ms) => new Date(1_750_000_000_000 + ms)),
  fc.constant(new Date(NaN)),
);

const dataArb: fc.Arbitrary<CookieData> = fc.record({
  originalMaxAge: fc.option(fc.integer(), { nil: null }),
  domain: fc.oneof(fc.constantFrom(undefined, '', 'example.com', '.example.com', 'EXAMPLE.org', 'a-b.c', 'bad domain', '-x.com', 'x..y', 'a'.repeat(64) + '.com'), fc.domain()),
  path: fc.constantFrom(undefined, '', '/', '/app', '/a b', '/semi;colon', '/lt<', '/é', '/q"'),
  expires: fc.oneof(dateArb, fc.constantFrom(undefined, null, false, 'tomorrow', 12345, {}) as fc.Arbitrary<CookieData['expires']>),
  httpOnly: fc.constantFrom(undefined, true, false, 0, 1, 'yes') as fc.Arbitrary<boolean | undefined>,
  secure: fc.constantFrom(undefined, true, false, 'auto') as fc.Arbitrary<CookieData['secure']>,
  partitioned: fc.constantFrom(undefined, true, false) as fc.Arbitrary<boolean | undefined>,
  priority: fc.constantFrom(undefined, 'low', 'Medium', 'HIGH', 'urgent', '', true) as fc.Arbitrary<CookieData['priority']>,
  sameSite: fc.constantFrom(undefined, true, false, 'lax', 'Strict', 'NONE', 'auto', 'sideways', '') as fc.Arbitrary<CookieData['sameSite']>,
});

const valueArb = fc.oneof(
  fc.stringMatching(/^s:[A-Za-z0-9_-]{32}\.[A-Za-z0-9+/]{43}$/),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

const nameArb = fc.constantFrom('connect.sid', 'sid', 'a b', '', 'x;y', 'name=', 'é');

describe('serializeSetCookie', () => {
  it('prints what cookie@0.7.2 serialize prints, and throws the same errors, for random attributes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(nameArb, valueArb, dataArb), { minLength: 1, maxLength: 6 }), (calls) => {
        // Several calls in a row exercise the attribute cache hits and misses.
        for (const [name, value, data] of calls) {
          expect(outcome(() => serializeSetCookie(name, value, data))).toEqual(
            outcome(() => cookie.serialize(name, value, data as cookie.CookieSerializeOptions)),
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('follows a single attribute changing between calls, for random attributes', () => {
    const keys = ['domain', 'path', 'expires', 'httpOnly', 'secure', 'partitioned', 'priority', 'sameSite'] as const;
    fc.assert(
      fc.property(dataArb, fc.array(fc.tuple(fc.constantFrom(...keys), dataArb), { maxLength: 8 }), (start, edits) => {
        let data = start;
        for (const [key, source] of edits) {
          data = { ...data, [key]: source[key] };
          expect(outcome(() => serializeSetCookie('sid', 's:v', data))).toEqual(outcome(() => cookie.serialize('sid', 's:v', data as cookie.CookieSerializeOptions)));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reuses the attribute text only while the attributes stay the same', () => {
    const base: CookieData = { originalMaxAge: null, domain: undefined, path: '/', expires: undefined, httpOnly: true, secure: undefined, partitioned: undefined, priority: undefined, sameSite: undefined };
    const changes: Array<Partial<CookieData>> = [{ path: '/x' }, { secure: true }, { sameSite: 'lax' }, { priority: 'high' }, { domain: 'a.com' }, { httpOnly: false }, { partitioned: true }];
    // Each change alone, between two unchanged calls, so a cache key that misses one attribute shows.
    for (const variant of changes.flatMap((change) => [{}, change, {}])) {
      for (const expires of [undefined, new Date(1e12), new Date(1e12 + 999), new Date(1e12 + 1000)]) {
        const data = { ...base, ...variant, expires };
        expect(serializeSetCookie('sid', 's:v', data)).toBe(cookie.serialize('sid', 's:v', data as cookie.CookieSerializeOptions));
      }
    }
  });

  it('escapes the value just signed by a codec exactly as encodeURIComponent does', () => {
    const codec = createSessionIdCodec('sid', ['keyboard cat']);
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{32}$/), fc.string({ maxLength: 20 })), (id) => {
        const signed = codec.sign(id);
        const data = { path: '/', httpOnly: true } as CookieData;
        expect(serializeSetCookie('sid', signed, data)).toBe(cookie.serialize('sid', signed, data as cookie.CookieSerializeOptions));
      }),
      { numRuns: 2000 },
    );
  });

  it('formats Date subclasses their own way and rejects Date look-alikes, even right after a cached second', () => {
    class ShiftedDate extends Date {
      override toUTCString(): string {
        return 'shifted ' + super.toUTCString();
      }
    }
    const base = { path: '/', httpOnly: true } as CookieData;
    const second = 1e12;
    const candidates: unknown[] = [new Date(second), new ShiftedDate(second), new Date(second + 1), Object.create(Date.prototype), new Date(NaN), new Date(second + 2)];
    for (const expires of candidates) {
      const data = { ...base, expires } as CookieData;
      expect(outcome(() => serializeSetCookie('sid', 's:v', data))).toEqual(outcome(() => cookie.serialize('sid', 's:v', data as cookie.CookieSerializeOptions)));
    }
  });

  it('escapes every ASCII character at every position of IDs around the 16-byte steps, and very long IDs', () => {
    const codec = createSessionIdCodec('sid', ['keyboard cat']);
    const data = { path: '/', httpOnly: true } as CookieData;
    const check = (id: string) => {
      const signed = codec.sign(id);
      expect(signed).toBe('s:' + signature.sign(id, 'keyboard cat'));
      expect(serializeSetCookie('sid', signed, data)).toBe(cookie.serialize('sid', signed, data as cookie.CookieSerializeOptions));
    };
    for (let code = 0; code < 128; code++) {
      for (const length of [1, 15, 16, 17, 31, 32, 33]) {
        for (const at of new Set([0, length >> 1, length - 1])) {
          check('a'.repeat(at) + String.fromCharCode(code) + 'b'.repeat(length - at - 1));
        }
      }
    }
    for (const length of [16383, 16384, 16385, 40000]) check('x'.repeat(length - 1) + '~');
  });

  it('leaves options the session cookie never has (maxAge, encode) to the reference serialiser', () => {
    const data = { path: '/', maxAge: 1.5, encode: (v: string) => v } as unknown as CookieData;
    expect(serializeSetCookie('sid', 's:v', data)).toBe('sid=s:v; Max-Age=1; Path=/');
    expect(() => serializeSetCookie('sid', 'v', { maxAge: 'x' } as unknown as CookieData)).toThrow('option maxAge is invalid');
  });
});
