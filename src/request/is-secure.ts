import type { TLSSocket } from 'node:tls';
import type { SessionRequest } from '../types';

/**
 * Whether the request arrived over TLS: directly, or as the proxy says.
 * `trustProxy` undefined defers to Express's own `req.secure` ("trust proxy").
 */
export function isSecure(req: SessionRequest, trustProxy: boolean | undefined): boolean {
  if ((req.socket as TLSSocket | undefined)?.encrypted) return true;
  if (trustProxy === false) return false;
  if (trustProxy !== true) return req.secure === true;
  const header = req.headers['x-forwarded-proto'];
  const value = typeof header === 'string' ? header : '';
  const comma = value.indexOf(',');
  const proto = (comma === -1 ? value : value.slice(0, comma)).toLowerCase().trim();
  return proto === 'https';
}
