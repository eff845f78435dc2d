import { readSessionIdJs, signSessionIdJs, unsignCookieValue } from './js-codec';
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
}

export function createSessionIdCodec(name: string, secrets: readonly SecretKey[]): SessionIdCodec {
  const signingSecret = secrets[0];
  return {
    readFromHeader: (header) => readSessionIdJs(header, name, secrets),
    unsign: (raw) => unsignCookieValue(raw, secrets),
    sign: (id) => signSessionIdJs(id, signingSecret),
  };
}
