import cookie from 'cookie';
import signature from 'cookie-signature';
import type { PieceOutcome } from './cookie-pieces';
import type { SecretKey } from './secret';

/**
 * The plain JavaScript reading and signing of the session cookie, with the
 * exact semantics of cookie@0.7 and cookie-signature@1.0 that express-session
 * pins. It is the fallback for inputs the Wasm kernel does not take, and the
 * yardstick the kernel is tested against.
 */

/** Verifies an `s:`-prefixed raw cookie value against each secret; false when none matches. */
export function unsignCookieValue(raw: string, secrets: readonly SecretKey[]): string | false {
  if (raw.slice(0, 2) !== 's:') return false;
  const signed = raw.slice(2);
  for (const secret of secrets) {
    const id = signature.unsign(signed, secret as string);
    if (id !== false) return id;
  }
  return false;
}

/** Reads the named cookie from a Cookie header and returns its verified session ID. */
export function readSessionIdJs(header: string, name: string, secrets: readonly SecretKey[]): string | undefined {
  return verifiedId(cookie.parse(header)[name], secrets);
}

/**
 * readSessionIdJs for one piece of a longer header (see cookie-pieces.ts),
 * telling apart a piece without the cookie (false) from one whose cookie
 * does not verify (undefined). Only for names that are not
 * Object.prototype members, which the plain parse result would answer.
 */
export function readPieceJs(piece: string, name: string, secrets: readonly SecretKey[]): PieceOutcome {
  const cookies = cookie.parse(piece);
  return Object.prototype.hasOwnProperty.call(cookies, name) ? verifiedId(cookies[name], secrets) : false;
}

function verifiedId(raw: string | undefined, secrets: readonly SecretKey[]): string | undefined {
  if (!raw) return undefined;
  const id = unsignCookieValue(raw, secrets);
  return id === false ? undefined : id;
}

/** The cookie value for a session ID: `s:` + id + '.' + base64 HMAC-SHA256 without padding. */
export function signSessionIdJs(id: string, secret: SecretKey): string {
  return 's:' + signature.sign(id, secret as string);
}
