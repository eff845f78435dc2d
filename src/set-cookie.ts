import cookie from 'cookie';
import type { CookieData } from './cookie';

/**
 * The one place that turns a signed session ID and the session cookie's
 * attributes into a Set-Cookie header value. Attribute semantics and errors
 * are those of cookie@0.7's `serialize`, which express-session pins.
 */
export function serializeSetCookie(name: string, signedValue: string, data: CookieData): string {
  return cookie.serialize(name, signedValue, data as cookie.CookieSerializeOptions);
}
