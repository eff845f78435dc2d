/**
 * Header → verified ID through the Wasm codec must equal the reference
 * (cookie@0.7 parse + cookie-signature unsign, the js-codec path) on any
 * header, and no ID that was not signed with a configured secret may pass.
 */
import cookie from 'cookie';
import signature from 'cookie-signature';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessionIdCodec } from '../src/cookie-codec/codec';
import { readInPieces } from '../src/cookie-codec/cookie-pieces';
import { readPieceJs, readSessionIdJs, unsignCookieValue } from '../src/cookie-codec/js-codec';
import { COOKIE_ABSENT, createRecord, MAX_INPUT_CHARS, readSessionCookie, USE_JS_PATH } from '../src/wasm/cookie-kernel';

const NAME = 'connect.sid';
const SECRETS = ['keyboard cat', 'previous secret ü', Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef+')];
const FOREIGN = 'not our secret';

const idArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_-]{32}$/),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'a.b', 'a%2Eb', '%zz', 'x;y', 'q"q', ' sp ', 'é'),
);

/** How a signed value is written into the header: raw, as browsers send it, or mangled. */
const spellingArb = fc.constantFrom('raw', 'encoded', 'encoded-lower', 'quoted', 'partial', 'truncated', 'extended', 'bad-escape', 'unprefixed');

function spell(value: string, spelling: string): string {
  switch (spelling) {
    case 'encoded':
      return encodeURIComponent(value);
    case 'encoded-lower':
      return encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    case 'quoted':
      return '"' + encodeURIComponent(value) + '"';
    case 'partial':
      return value.replace(':', '%3A').replace(/\+/g, '%2B');
    case 'truncated':
      return encodeURIComponent(value.slice(0, -1));
    case 'extended':
      return encodeURIComponent(value) + 'A';
    case 'bad-escape':
      return value + '%G1';
    case 'unprefixed':
      return encodeURIComponent(value.slice(2));
    default:
      return value;
  }
}

interface Piece {
  text: string;
  /** The ID signed with one of our secrets, when this piece carries one. */
  legit?: string;
}

const blank = fc.constantFrom('', ' ', '  ', '\t', ' \t');

const signedPieceArb: fc.Arbitrary<Piece> = fc
  .record({ id: idArb, secret: fc.integer({ min: -1, max: 2 }), spelling: spellingArb, before: blank, after: blank, around: blank })
  .map(({ id, secret, spelling, before, after, around }) => {
    const key = secret < 0 ? FOREIGN : SECRETS[secret]!;
    const value = 's:' + signature.sign(id, key as string);
    return { text: `${around}${NAME}${before}=${after}${spell(value, spelling)}${after}`, legit: secret < 0 ? undefined : id };
  });

const junkPieceArb: fc.Arbitrary<Piece> = fc
  .oneof(
    fc.constantFrom(`${NAME}=`, `${NAME}=""`, `${NAME}="`, `${NAME}`, ` ${NAME} `, `${NAME}=s:`, `${NAME}=s:.`, `${NAME}=s%3A`, '=', ';', '', 'a=b', 'x'),
    fc.constantFrom(`${NAME}=s:abc.%2B%2F`, `${NAME}=s%3Aabc.${'A'.repeat(43)}`, `${NAME}=%`, `${NAME}=%C3%A9`, `${NAME}=s%3A%C3%A9.x`, 'connect.sidx=1', 'Connect.sid=1'),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([k, v]) => `${k}=${v}`),
  )
  .map((text) => ({ text }));

const headerArb = fc
  .tuple(fc.array(fc.oneof({ weight: 2, arbitrary: signedPieceArb }, { weight: 3, arbitrary: junkPieceArb }), { maxLength: 8 }), fc.constantFrom(';', '; ', ' ;', ';;', ';\t'))
  .map(([pieces, separator]) => ({ header: pieces.map((p) => p.text).join(separator), legit: pieces.flatMap((p) => (p.legit === undefined ? [] : [p.legit])) }));

function rotations(): Array<readonly (string | Buffer)[]> {
  return [SECRETS.slice(0, 1), SECRETS.slice(0, 2), SECRETS.slice(0, 3), [SECRETS[2]!, SECRETS[0]!]];
}

describe('read-and-verify matches cookie.parse + cookie-signature.unsign', () => {
  for (const secrets of rotations()) {
    it(`on random and hostile headers with ${secrets.length} secret(s)`, () => {
      const codec = createSessionIdCodec(NAME, secrets as string[]);
      let verified = 0;
      fc.assert(
        fc.property(headerArb, ({ header, legit }) => {
          const expected = readSessionIdJs(header, NAME, secrets as string[]);
          const actual = codec.readFromHeader(header);
          expect(actual).toBe(expected);
          if (actual !== undefined) verified++;
          // A forged ID is never accepted: anything returned was signed with a configured secret.
          if (actual !== undefined) expect(legit.some((id) => id === actual || decodeURIComponentSafe(id) === actual)).toBe(true);
        }),
        // A fixed seed: the acceptance count below is then the same on every run (a random one gave exactly 200 once).
        { numRuns: 3000, seed: 20261204 },
      );
      // The generator must exercise acceptance too, not only rejection.
      expect(verified).toBeGreaterThan(200);
    });
  }

  it('decides ASCII headers in the kernel itself (the JS path is not silently doing the work)', () => {
    const record = createRecord(NAME, SECRETS.map((s) => Buffer.from(s)));
    let decided = 0;
    fc.assert(
      fc.property(headerArb, ({ header }) => {
        if (!/^[\x00-\x7f]*$/.test(header) || /%[89a-f][0-9a-f]/i.test(header)) return;
        const direct = readSessionCookie(record.pointer, header);
        expect(direct).not.toBe(USE_JS_PATH);
        // Absent and present-but-invalid are told apart, as reading a header piece by piece needs.
        const present = Object.prototype.hasOwnProperty.call(cookie.parse(header), NAME);
        expect(direct).toBe(present ? readSessionIdJs(header, NAME, SECRETS as string[]) : COOKIE_ABSENT);
        decided++;
      }),
      { numRuns: 2000 },
    );
    expect(decided).toBeGreaterThan(500);
  });

  it('finds the cookie in 8 KB, 64 KB, 70 KB and 1 MB headers', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const cookie = `${NAME}=${encodeURIComponent('s:' + signature.sign(id, SECRETS[1] as string))}`;
    for (const size of [8 * 1024, 64 * 1024, 70 * 1024, 1024 * 1024]) {
      const filler = Array.from({ length: Math.ceil(size / 40) }, (_, i) => `c${i}=${'v'.repeat(30)}`).join('; ');
      for (const header of [`${cookie}; ${filler}`, `${filler}; ${cookie}`, `${filler}; ${cookie}; ${filler}`, filler]) {
        const expected = readSessionIdJs(header, NAME, SECRETS as string[]);
        expect(codec.readFromHeader(header)).toBe(expected);
        expect(expected).toBe(header === filler ? undefined : id);
      }
    }
  });

  it('ignores bytes a previous, longer header left past the end, at every alignment (16-byte scans)', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const value = encodeURIComponent('s:' + signature.sign(id, SECRETS[0] as string));
    // Every byte the scans look for, so a vector load past the end would find them.
    const leftover = `x=${'%;=."'.repeat(40)}`;
    for (let pad = 0; pad < 48; pad++) {
      const prefix = 'p'.repeat(pad) + '=1; ';
      const cases = [
        `${prefix}${NAME}=${value}`,
        `${prefix}${NAME}=${value.slice(0, -1)}`,
        `${prefix}${NAME}=${value.slice(0, -3)}%`,
        `${prefix}${NAME}=s%3A${id}`,
        `${prefix}${NAME}`,
        `${prefix};${NAME}=s:${id}.`,
      ];
      for (const header of cases) {
        codec.readFromHeader(leftover + header + leftover);
        expect(codec.readFromHeader(header)).toBe(readSessionIdJs(header, NAME, SECRETS as string[]));
        codec.unsign(leftover + leftover);
        const raw = decodeURIComponentSafe(header.slice(header.indexOf(NAME) + NAME.length + 1));
        expect(codec.unsign(raw)).toBe(unsignCookieValue(raw, SECRETS as string[]));
      }
      expect(codec.readFromHeader(cases[0]!)).toBe(id);
    }
  });

  it('reads a cookie that ends exactly at the end of the largest kernel input', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const id = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
    const cookie = `${NAME}=${encodeURIComponent('s:' + signature.sign(id, SECRETS[0] as string))}`;
    const record = createRecord(NAME, [Buffer.from(SECRETS[0] as string)]);
    for (const spare of [0, 1, 15, 16, 17]) {
      const fill = MAX_INPUT_CHARS - spare - cookie.length - 4;
      const header = `f=${'%'.repeat(fill)}; ${cookie}`;
      expect(header.length).toBe(MAX_INPUT_CHARS - spare);
      expect(readSessionCookie(record.pointer, header)).toBe(id);
      expect(codec.readFromHeader(header)).toBe(id);
    }
  });

  it('takes the first occurrence, as the reference does, even when a later one verifies', () => {
    const codec = createSessionIdCodec(NAME, ['s']);
    const good = encodeURIComponent('s:' + signature.sign('good', 's'));
    expect(codec.readFromHeader(`${NAME}=forged; ${NAME}=${good}`)).toBeUndefined();
    expect(codec.readFromHeader(`${NAME}=${good}; ${NAME}=forged`)).toBe('good');
    expect(codec.readFromHeader(`a;${NAME}=${good}`)).toBe('good');
    expect(codec.readFromHeader(` ${NAME} = "${good}" `)).toBe('good');
  });

  it('returns IDs decoded from escapes, unicode ones through the JS path', () => {
    const codec = createSessionIdCodec(NAME, ['s']);
    for (const id of ['a.b.c', 'with space', 'semi;colon', 'é-unicode', '😀', '%zz', '']) {
      const header = `x=1; ${NAME}=${encodeURIComponent('s:' + signature.sign(id, 's'))}`;
      expect(codec.readFromHeader(header)).toBe(readSessionIdJs(header, NAME, ['s']));
      expect(codec.readFromHeader(header)).toBe(id === '' ? '' : id);
    }
  });

  it('verifies raw values as cookie-parser leaves them', () => {
    fc.assert(
      fc.property(signedPieceArb, fc.integer({ min: 1, max: 3 }), (piece, count) => {
        const secrets = SECRETS.slice(0, count) as string[];
        const codec = createSessionIdCodec(NAME, secrets);
        const raw = decodeURIComponentSafe(piece.text.slice(piece.text.indexOf('=') + 1).trim());
        expect(codec.unsign(raw)).toBe(unsignCookieValue(raw, secrets));
      }),
      { numRuns: 1000 },
    );
  });

  it('uses the reference path for names the kernel does not match byte for byte', () => {
    // Besides prototype members and non-ASCII: names no pair can have as its key as spelled, or only an odd one ('' from '=v').
    for (const [name, header] of ['constructor', '__proto__', 'sé', 'toString', '', 'a=b', 'a;b', ' lead', 'trail\t', '=', ' '].flatMap((name) => {
      const value = encodeURIComponent('s:' + signature.sign('abc', 's'));
      return [[name, `${name}=${value}`], [name, `x=1; ${name}=${value}=; ${name} =${value}`], [name, `${'k=v; '.repeat(20_000)}${name}=${value}`]];
    })) {
      const codec = createSessionIdCodec(name, ['s']);
      const reference = (): unknown => {
        try {
          return readSessionIdJs(header, name, ['s']);
        } catch (err) {
          return (err as Error).constructor;
        }
      };
      const ours = (): unknown => {
        try {
          return codec.readFromHeader(header);
        } catch (err) {
          return (err as Error).constructor;
        }
      };
      expect(ours()).toEqual(reference());
    }
  });
});

// Headers longer than the kernel's input buffer are read in pieces of whole
// pairs (src/cookie-codec/cookie-pieces.ts); the answer must stay the
// reference's for any header, wherever the cuts fall.

const ID = 'AbCdEfGhIjKlMnOpQrStUvWxYz012345';
const signedCookie = (id: string, secret: string | Buffer = SECRETS[0]!): string => `${NAME}=${encodeURIComponent('s:' + signature.sign(id, secret as string))}`;

/** Shapes the bulk of a long header comes in, each repeated and cut to the length asked for. */
const FILLER_UNITS: Record<string, (i: number) => string> = {
  cookies: (i) => `k${i}=v${i % 7}; `,
  'one-pair': () => 'x',
  'no-equals': (i) => `flag${i % 3}; `,
  'non-ascii': (i) => `u${i}=é${i % 5}; `,
  lookalikes: (i) => [`${NAME}x=1; `, `Connect.sid=2; `, ` ${NAME.slice(0, -1)}=3; `, `x${NAME}=4; `][i % 4]!,
  blanks: (i) => (i % 5 === 0 ? ';' : i % 2 ? ' ' : '\t'),
  escapes: (i) => `e${i}=%${i % 3 ? '41' : 'zz'}; `,
};

function filler(kind: string, length: number): string {
  if (kind === 'one-pair') return 'big=' + 'x'.repeat(Math.max(0, length - 4));
  const unit = FILLER_UNITS[kind]!;
  const parts: string[] = [];
  let total = 0;
  for (let i = 0; total < length; i++) {
    parts.push(unit(i));
    total += parts[parts.length - 1]!.length;
  }
  return parts.join('').slice(0, length);
}

const fillerArb = fc.record({
  kind: fc.constantFrom(...Object.keys(FILLER_UNITS)),
  length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: MAX_INPUT_CHARS + 100 })),
});

/** Short random headers (carrying our cookie, forged ones, junk) placed among fillers, padded past the kernel's buffer. */
const longHeaderArb = fc
  .record({
    parts: fc.array(fc.oneof({ weight: 3, arbitrary: headerArb.map((small) => ({ small })) }, { weight: 2, arbitrary: fillerArb.map((fill) => ({ fill })) }), { minLength: 1, maxLength: 5 }),
    separator: fc.constantFrom(';', '; ', ''),
    pad: fillerArb,
    padAt: fc.nat(),
    overshoot: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 2 * MAX_INPUT_CHARS })),
  })
  .map(({ parts, separator, pad, padAt, overshoot }) => {
    const texts = parts.map((p) => ('small' in p ? p.small.header : filler(p.fill.kind, p.fill.length)));
    const legit = parts.flatMap((p) => ('small' in p ? p.small.legit : []));
    const length = texts.join(separator).length;
    // Bring it just past the buffer (cuts near the piece limit) or well past it (many pieces).
    if (length <= MAX_INPUT_CHARS) texts.splice(padAt % (texts.length + 1), 0, filler(pad.kind, MAX_INPUT_CHARS + 1 - length + overshoot));
    return { header: texts.join(separator), legit };
  });

/** Reads through the kernel alone, failing the test if any piece needed the JavaScript path. */
function kernelOnly(record: { pointer: number }) {
  return (piece: string) => {
    const id = readSessionCookie(record.pointer, piece);
    expect(id).not.toBe(USE_JS_PATH);
    return id === USE_JS_PATH ? false : id;
  };
}

describe('headers longer than the kernel buffer give the reference decision', () => {
  it('on random long headers: cookie at any position, duplicates, fillers of every shape', () => {
    const secrets = SECRETS.slice(0, 2) as string[];
    const codec = createSessionIdCodec(NAME, secrets);
    const record = createRecord(NAME, secrets.map((s) => Buffer.from(s)));
    let verified = 0;
    let kernelDecided = 0;
    fc.assert(
      fc.property(longHeaderArb, ({ header, legit }) => {
        expect(header.length).toBeGreaterThan(MAX_INPUT_CHARS);
        const expected = readSessionIdJs(header, NAME, secrets);
        const actual = codec.readFromHeader(header);
        expect(actual).toBe(expected);
        if (actual !== undefined) {
          verified++;
          expect(legit.some((id) => id === actual || decodeURIComponentSafe(id) === actual)).toBe(true);
        }
        // ASCII headers without escapes of non-ASCII bytes or pairs longer than a piece are decided by the kernel alone.
        if (/^[\x00-\x7f]*$/.test(header) && !/%[89a-f][0-9a-f]/i.test(header) && header.split(';').every((pair) => pair.length <= MAX_INPUT_CHARS)) {
          expect(readInPieces(header, MAX_INPUT_CHARS, kernelOnly(record))).toBe(expected);
          kernelDecided++;
        }
      }),
      { numRuns: 150 },
    );
    expect(verified).toBeGreaterThan(10);
    expect(kernelDecided).toBeGreaterThan(15);
  });

  it('cuts pieces only at semicolons and reads them in order, at any piece size', () => {
    const record = createRecord(NAME, [Buffer.from(SECRETS[0] as string)]);
    const secrets = SECRETS.slice(0, 1) as string[];
    fc.assert(
      fc.property(headerArb, fc.integer({ min: 1, max: 48 }), ({ header }, limit) => {
        const pieces: string[] = [];
        readInPieces(header, limit, (piece) => {
          pieces.push(piece);
          return false;
        });
        // Every character is in a piece, but for a final ';' (the empty pair after it is not read).
        const joined = pieces.join(';');
        expect(joined === header || joined + ';' === header).toBe(true);
        for (const piece of pieces) expect(piece.length <= limit || !piece.includes(';')).toBe(true);
        // With tiny pieces, every cut rule is exercised on every header: the answer must not move.
        const expected = readSessionIdJs(header, NAME, secrets);
        expect(readInPieces(header, limit, (piece) => readPieceJs(piece, NAME, secrets))).toBe(expected);
        expect(
          readInPieces(header, limit, (piece) => {
            const id = readSessionCookie(record.pointer, piece);
            return id === USE_JS_PATH ? readPieceJs(piece, NAME, secrets) : id;
          }),
        ).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a 1 MB header of 100,000 cookies with ours at the start, middle, end or absent', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const bulk = Array.from({ length: 100_000 }, (_, i) => `c${i.toString(36).padStart(4, '0')}=vv`);
    const ours = signedCookie(ID, SECRETS[2]);
    const at = (index: number) => [...bulk.slice(0, index), ours, ...bulk.slice(index)].join('; ');
    const cases: Array<[string, string | undefined]> = [
      [at(0), ID],
      [at(50_000), ID],
      [at(100_000), ID],
      [bulk.join('; '), undefined],
    ];
    for (const [header, id] of cases) {
      expect(header.length).toBeGreaterThan(990_000);
      expect(readSessionIdJs(header, NAME, SECRETS as string[])).toBe(id);
      expect(codec.readFromHeader(header)).toBe(id);
    }
  });

  it('keeps the first occurrence across pieces, even when it is forged, empty or malformed', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const good = signedCookie(ID);
    const far = filler('cookies', 3 * MAX_INPUT_CHARS);
    for (const first of [`${NAME}=forged`, `${NAME}=`, `${NAME}=""`, `${NAME}=%`, signedCookie('other', FOREIGN), ` ${NAME} =s%3A${ID}.`]) {
      for (const header of [`${first}; ${far}; ${good}`, `${far}; ${first}; ${far}; ${good}; ${far}`, `${far};${first};${good}`]) {
        expect(readSessionIdJs(header, NAME, SECRETS as string[])).toBeUndefined();
        expect(codec.readFromHeader(header)).toBeUndefined();
      }
    }
    expect(codec.readFromHeader(`${far}; ${good}; ${far}; ${NAME}=forged`)).toBe(ID);
    expect(codec.readFromHeader(`${far}; ${NAME}; ${NAME}x=1; ${good}`)).toBe(ID);
  });

  it('finds the cookie wherever the first cut falls in or around it', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const good = signedCookie(ID);
    for (const separator of ['; ', ';']) {
      for (let shift = -4; shift <= good.length + 4; shift++) {
        // A few small pairs, then one long one (cheap for the reference to parse) that ends `shift` before the first cut.
        const head = `${filler('cookies', 200)}; ${filler('one-pair', MAX_INPUT_CHARS - shift - 202)}`;
        const header = `${head}${separator}${good}${separator}${filler('cookies', 100)}`;
        expect(readSessionIdJs(header, NAME, SECRETS as string[])).toBe(ID);
        expect(codec.readFromHeader(header)).toBe(ID);
      }
    }
  });

  it('takes the JavaScript path for only the piece that needs it: non-ASCII, escaped non-ASCII, over-long pairs', () => {
    const codec = createSessionIdCodec(NAME, SECRETS as string[]);
    const longId = 'L'.repeat(2 * MAX_INPUT_CHARS);
    const cases: Array<[string, string | undefined]> = [
      [`${filler('non-ascii', 2 * MAX_INPUT_CHARS)}; ${signedCookie(ID)}`, ID],
      [`${signedCookie('é-id')}; ${filler('non-ascii', 2 * MAX_INPUT_CHARS)}`, 'é-id'],
      [`${filler('cookies', 2 * MAX_INPUT_CHARS)}; ${signedCookie('😀 id')}`, '😀 id'],
      [`${filler('one-pair', 3 * MAX_INPUT_CHARS)}; ${signedCookie(ID)}`, ID],
      [`${filler('cookies', 100)}; ${signedCookie(longId)}; x=1`, longId],
      [`${signedCookie(longId).slice(0, -1)}; ${signedCookie(ID)}`, undefined],
      [`${NAME}=${'é'.repeat(2 * MAX_INPUT_CHARS)}; ${signedCookie(ID)}`, undefined],
    ];
    for (const [header, id] of cases) {
      expect(readSessionIdJs(header, NAME, SECRETS as string[])).toBe(id);
      expect(codec.readFromHeader(header)).toBe(id);
    }
  });
});

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
