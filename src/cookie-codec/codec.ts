import { COOKIE_ABSENT, createRecord, MAX_INPUT_CHARS, readSessionCookie, releaseRecord, signId, unsignValue, USE_JS_PATH, type KernelRecord } from '../wasm/cookie-kernel';
import { readInPieces, type PieceOutcome } from './cookie-pieces';
import { readPieceJs, readSessionIdJs, signSessionIdJs, unsignCookieValue } from './js-codec';
import type { SecretKey } from './secret';

/**
 * The one place that turns a Cookie header into a verified session ID and a
 * session ID into a signed cookie value. The middleware builds one codec per
 * (cookie name, secret list) at setup and calls it once per request.
 */
export interface SessionIdCodec {
  /** The verified session ID carried by the named cookie of a Cookie header, or undefined. */
  readFromHeader(header: string): string | undefined;
  /** Verifies an already-parsed raw cookie value (`s:id.sig`), as cookie-parser leaves them. */
  unsign(raw: string): string | false;
  /** The signed cookie value for an ID, signed with the first secret. */
  sign(id: string): string;
  /** `encodeURIComponent(value)`; for the value this codec signed last, without recomputing it. */
  escape(value: string): string;
}

/**
 * A codec for cookie `name` and a secret rotation list (the first secret
 * signs, each is tried in turn to verify). Uses the Wasm kernel when the
 * name and every secret suit it, else the JavaScript reference path.
 * Secrets are read once: changing a Buffer secret afterwards has no effect.
 */
export function createSessionIdCodec(name: string, secrets: readonly SecretKey[]): SessionIdCodec {
  const keys = isKernelName(name) ? kernelKeys(secrets) : undefined;
  return keys === undefined ? new JsSessionIdCodec(name, secrets) : new WasmSessionIdCodec(name, secrets.slice(), keys);
}

class JsSessionIdCodec implements SessionIdCodec {
  constructor(
    protected readonly name: string,
    protected readonly secrets: readonly SecretKey[],
  ) {}

  readFromHeader(header: string): string | undefined {
    return readSessionIdJs(header, this.name, this.secrets);
  }

  unsign(raw: string): string | false {
    return unsignCookieValue(raw, this.secrets);
  }

  sign(id: string): string {
    return signSessionIdJs(id, this.secrets[0]!);
  }

  escape(value: string): string {
    return encodeURIComponent(value);
  }
}

// A codec's kernel record goes back to the pool once the codec is unreachable.
const records = new FinalizationRegistry<KernelRecord>(releaseRecord);

/**
 * The kernel-backed codec: one Wasm call per read or sign. Headers longer
 * than the kernel's input buffer are read in pieces of whole pairs, one call
 * per piece, until the piece holding the cookie (cookie-pieces.ts), so any
 * length takes linear time. Inputs the kernel declines (non-ASCII text,
 * escapes of non-ASCII bytes, non-string arguments) go to the JavaScript
 * path, for the whole header or that one piece, which agrees with it
 * everywhere else (test/kernel-codec-differential.test.ts).
 */
class WasmSessionIdCodec extends JsSessionIdCodec {
  private readonly record: number;
  /**
   * The last signed value the kernel produced, with its URI-escaped form
   * (the escaped MAC comes out of the kernel too), so that the Set-Cookie
   * serialiser, which runs right after signing, skips encodeURIComponent.
   */
  private lastValue: string | undefined = undefined;
  private lastEscaped = '';

  private readonly readPiece = (piece: string): PieceOutcome => {
    const id = readSessionCookie(this.record, piece);
    return id === USE_JS_PATH ? readPieceJs(piece, this.name, this.secrets) : id;
  };

  constructor(name: string, secrets: readonly SecretKey[], keys: readonly Uint8Array[]) {
    super(name, secrets);
    const record = createRecord(name, keys);
    this.record = record.pointer;
    records.register(this, record);
  }

  override readFromHeader(header: string): string | undefined {
    if (typeof header !== 'string') return super.readFromHeader(header);
    if (header.length > MAX_INPUT_CHARS) return readInPieces(header, MAX_INPUT_CHARS, this.readPiece);
    const id = readSessionCookie(this.record, header);
    if (id === USE_JS_PATH) return super.readFromHeader(header);
    return id === COOKIE_ABSENT ? undefined : id;
  }

  override unsign(raw: string): string | false {
    if (typeof raw === 'string') {
      const id = unsignValue(this.record, raw);
      if (id !== USE_JS_PATH) return id;
    }
    return super.unsign(raw);
  }

  override sign(id: string): string {
    if (typeof id === 'string') {
      const signed = signId(this.record, id);
      if (signed !== USE_JS_PATH) {
        if (signed.escaped !== undefined) {
          this.lastValue = signed.value;
          this.lastEscaped = signed.escaped;
        }
        return signed.value;
      }
    }
    return super.sign(id);
  }

  override escape(value: string): string {
    return value === this.lastValue ? this.lastEscaped : encodeURIComponent(value);
  }
}

/**
 * Cookie names the kernel matches byte for byte: ASCII keys that cookie@0.7
 * can produce (not empty, no ';' or '=', no space or tab at either end; the
 * kernel's scan relies on it, see assembly/cookie/scan.ts). Other names,
 * which never or oddly match, are left to the reference path, as are names
 * inherited from Object.prototype, which its parse result (a plain object)
 * answers in its own peculiar way.
 */
function isKernelName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 1024 && isAscii(name) && isPlainKey(name) && !(name in Object.prototype);
}

function isPlainKey(name: string): boolean {
  return name !== '' && !/[;=]|^[ \t]|[ \t]$/.test(name);
}

/**
 * The key bytes createHmac would use for each secret (strings as UTF-8,
 * typed arrays and DataViews as their bytes), or undefined when any secret
 * is of another kind (KeyObject, missing, …) so the reference path keeps
 * its exact behaviour, errors included.
 */
function kernelKeys(secrets: readonly SecretKey[]): Uint8Array[] | undefined {
  if (secrets.length === 0) return undefined;
  const keys: Uint8Array[] = [];
  for (const secret of secrets) {
    let key: Uint8Array;
    if (typeof secret === 'string') key = Buffer.from(secret, 'utf8');
    else if (ArrayBuffer.isView(secret)) key = new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength).slice();
    else return undefined;
    if (key.length > MAX_INPUT_CHARS) return undefined;
    keys.push(key);
  }
  return keys;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}
