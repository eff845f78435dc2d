import { createHmac, randomBytes } from 'node:crypto';
import signature from 'cookie-signature';
import { describe, expect, it } from 'vitest';
import { createSessionIdCodec } from '../src/cookie-codec/codec';
import { createRecord, macOf, releaseRecord } from '../src/wasm/cookie-kernel';

const hex = (text: string) => Buffer.from(text, 'hex');
const ascii = (text: string) => Buffer.from(text, 'latin1');

// RFC 4231 section 4, HMAC-SHA-256 outputs.
const RFC_4231 = [
  { key: hex('0b'.repeat(20)), data: ascii('Hi There'), mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { key: ascii('Jefe'), data: ascii('what do ya want for nothing?'), mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { key: hex('aa'.repeat(20)), data: hex('dd'.repeat(50)), mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  {
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: hex('cd'.repeat(50)),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  // Test case 5 publishes only the first 128 bits.
  { key: hex('0c'.repeat(20)), data: ascii('Test With Truncation'), mac: 'a3b6167473100ee06e0c796c2955552b' },
  {
    key: hex('aa'.repeat(131)),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    key: hex('aa'.repeat(131)),
    data: ascii(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

/** A deterministic generator, so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!*()%:+/= ';
const UNICODE = ['é', 'ß', '€', '日本', '😀', '\u0000', '\u00ff', 'Ω'];

function randomText(random: () => number, length: number, unicode: boolean): string {
  let text = '';
  for (let i = 0; i < length; i++) {
    text += unicode && random() < 0.2 ? UNICODE[Math.floor(random() * UNICODE.length)] : ID_CHARS[Math.floor(random() * ID_CHARS.length)];
  }
  return text;
}

type Secret = string | Buffer | Uint8Array | DataView;

function randomSecret(random: () => number): Secret {
  switch (Math.floor(random() * 6)) {
    case 0:
      return randomText(random, 1 + Math.floor(random() * 20), false);
    case 1:
      return randomText(random, 64 + Math.floor(random() * 100), false);
    case 2:
      return randomText(random, 1 + Math.floor(random() * 80), true);
    case 3:
      return randomBytes(Math.floor(random() * 150));
    case 4: {
      // A view into the middle of a larger buffer: only its own bytes are the key.
      const backing = randomBytes(200);
      const start = Math.floor(random() * 50);
      return new Uint8Array(backing.buffer, backing.byteOffset + start, Math.floor(random() * 140));
    }
    default: {
      const backing = randomBytes(100);
      return new DataView(backing.buffer, backing.byteOffset + 3, 64);
    }
  }
}

describe('HMAC-SHA256 kernel', () => {
  it('matches the RFC 4231 test vectors', () => {
    for (const { key, data, mac } of RFC_4231) {
      const record = createRecord('x', [key]);
      const out = Buffer.from(macOf(record, 0, data)).toString('hex');
      expect(out.slice(0, mac.length)).toBe(mac);
      releaseRecord(record);
    }
  });

  it('matches node:crypto for messages of every length around block boundaries', () => {
    const random = seededRandom(7);
    for (let keyLength = 0; keyLength <= 130; keyLength += 13) {
      const key = randomBytes(keyLength);
      const record = createRecord('x', [key, randomBytes(5)]);
      for (let length = 0; length <= 200; length++) {
        const data = Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
        expect(Buffer.from(macOf(record, 0, data)).toString('hex')).toBe(createHmac('sha256', key).update(data).digest('hex'));
      }
      releaseRecord(record);
    }
  });
});

describe('signing and verifying IDs', () => {
  it('agrees with cookie-signature and node:crypto on 10,000 random IDs and secrets', () => {
    const random = seededRandom(4231);
    let checked = 0;
    for (let s = 0; s < 2000; s++) {
      const secret = randomSecret(random);
      const codec = createSessionIdCodec('connect.sid', [secret as string]);
      for (let i = 0; i < 5; i++) {
        const id = randomText(random, Math.floor(random() * 90), random() < 0.1);
        const expected = 's:' + signature.sign(id, secret as string);
        const signed = codec.sign(id);
        expect(signed).toBe(expected);
        // Both ways: the reference verifies ours, ours verifies the reference's.
        expect(signature.unsign(signed.slice(2), secret as string)).toBe(id);
        expect(codec.unsign(expected)).toBe(id);
        const mac = createHmac('sha256', secret as string).update(id).digest('base64').replace(/=+$/, '');
        expect(signed.slice(signed.lastIndexOf('.') + 1)).toBe(mac);
        checked++;
      }
    }
    expect(checked).toBe(10_000);
  });

  it('rejects a MAC with any single character changed, truncated or extended', () => {
    const codec = createSessionIdCodec('sid', ['keyboard cat']);
    const signed = codec.sign('some-session-id');
    const macStart = signed.lastIndexOf('.') + 1;
    for (let i = macStart; i < signed.length; i++) {
      const changed = signed.slice(0, i) + (signed[i] === 'A' ? 'B' : 'A') + signed.slice(i + 1);
      expect(codec.unsign(changed)).toBe(false);
    }
    expect(codec.unsign(signed.slice(0, -1))).toBe(false);
    expect(codec.unsign(signed + 'A')).toBe(false);
    expect(codec.unsign(signed + '=')).toBe(false);
    expect(codec.unsign(signed.replace('s:', ''))).toBe(false);
    expect(codec.unsign(signed)).toBe('some-session-id');
  });

  it('verifies with every secret of a rotation list but signs with the first', () => {
    const secrets = ['new', Buffer.from('older'), 'oldest'];
    const codec = createSessionIdCodec('sid', secrets as string[]);
    for (const secret of secrets) {
      expect(codec.unsign('s:' + signature.sign('abc', secret as string))).toBe('abc');
    }
    expect(codec.unsign('s:' + signature.sign('abc', 'foreign'))).toBe(false);
    expect(codec.sign('abc')).toBe('s:' + signature.sign('abc', 'new'));
  });

  it('keeps the reference behaviour, errors included, for secrets the kernel does not take', () => {
    const keyObjectCodec = createSessionIdCodec('sid', [require('node:crypto').createSecretKey(Buffer.from('k'))]);
    expect(keyObjectCodec.sign('abc')).toBe('s:' + signature.sign('abc', 'k'));
    const missing = createSessionIdCodec('sid', ['a', undefined as unknown as string]);
    expect(missing.unsign('s:' + signature.sign('abc', 'a'))).toBe('abc');
    expect(() => missing.unsign('s:abc.nope')).toThrow('Secret key must be provided.');
  });
});
