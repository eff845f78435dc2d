import { debug } from '../debug';
import depd from 'depd';
import type { SessionIdCodec } from '../cookie-codec/codec';
import type { SessionRequest } from '../types';

// One depd instance per module: depd attributes a warning to the first caller outside this file.
const deprecate = depd('wasm-session');

/**
 * The verified session ID of a request: from the Cookie header (one codec
 * call), else, for apps that still run cookie-parser before us, from
 * `req.signedCookies` or a signed value in `req.cookies`.
 */
export function readSessionId(req: SessionRequest, name: string, codec: SessionIdCodec): string | undefined {
  const header = req.headers.cookie;
  let id = header ? codec.readFromHeader(header) : undefined;
  if (id) return id;

  const signedCookies = req.signedCookies;
  if (signedCookies) {
    const value = signedCookies[name];
    if (value) {
      deprecate('cookie should be available in req.headers.cookie');
      return value as string;
    }
  }

  const cookies = req.cookies;
  if (cookies) {
    const raw = cookies[name];
    if (typeof raw === 'string' && raw) {
      if (raw.slice(0, 2) === 's:') {
        const verified = codec.unsign(raw);
        if (verified) {
          deprecate('cookie should be available in req.headers.cookie');
          id = verified;
        } else {
          debug('cookie signature invalid');
        }
      } else {
        debug('cookie unsigned');
      }
    }
  }
  return id;
}
