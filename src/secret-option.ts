import { invalidOption } from './errors';
import type { SecretKey } from './cookie-codec/secret';

const ACCEPTS = 'a non-empty string, Buffer or typed array, a secret KeyObject, or an array of them';

/**
 * Checks the `secret` option at setup, so that a missing or unusable key
 * fails here instead of answering 500 on every request.
 *
 * What the app can tell at setup is whether it wrote a `secret` key at all.
 * Left out, the app means express-session's other route: cookie-parser's
 * `req.secret`, read per request (with express-session's deprecation). Written
 * but undefined or null is the usual unset environment variable
 * (`secret: process.env.SESSION_SECRET`), which no request can recover from.
 */
export function checkSecretOption(options: object): void {
  if (!('secret' in options)) return;
  const secret = (options as { secret?: unknown }).secret;
  if (secret === undefined || secret === null) {
    throw invalidOption(
      `secret option is ${String(secret)}: it must be ${ACCEPTS} (is its environment variable set?); leave the option out only to use cookie-parser's req.secret`,
    );
  }
  if (Array.isArray(secret)) {
    if (secret.length === 0) throw invalidOption('secret option array must contain one or more strings');
    secret.forEach((element: unknown, index) => {
      if (!isUsableKey(element)) throw invalidOption(`secret option array element ${index} ${describe(element)}: each must be ${ACCEPTS.replace(', or an array of them', '')}`);
    });
    return;
  }
  if (!isUsableKey(secret)) throw invalidOption(`secret option ${describe(secret)}: it must be ${ACCEPTS}`);
}

/** What createHmac takes as a key, and non-empty: an empty key signs with nothing. */
function isUsableKey(value: unknown): value is SecretKey {
  if (typeof value === 'string') return value.length > 0;
  if (ArrayBuffer.isView(value)) return value.byteLength > 0;
  return isSecretKeyObject(value);
}

/** A KeyObject of type 'secret' (duck-typed, so one from another realm or copy of Node's crypto counts too). */
function isSecretKeyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const key = value as { type?: unknown; export?: unknown; symmetricKeySize?: unknown };
  return key.type === 'secret' && typeof key.export === 'function' && key.symmetricKeySize !== 0;
}

function describe(value: unknown): string {
  if (typeof value === 'string' || ArrayBuffer.isView(value)) return 'is empty';
  if (value === null) return 'is null';
  if (typeof value === 'object') return `is an object that is not a secret KeyObject`;
  return `is a ${typeof value}`;
}
