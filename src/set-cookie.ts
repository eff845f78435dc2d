import cookie from 'cookie';
import type { CookieData } from './cookie';
import { escapeCookieValue } from './session-id/escaped-value';

/**
 * The one place that turns a signed session ID and the session cookie's
 * attributes into a Set-Cookie header value, with the output and TypeErrors
 * of cookie@0.7's `serialize` (which express-session pins).
 *
 * Attributes rarely change between requests, so their text is built once
 * and reused while they stay the same; per request only the value and,
 * when set, Expires are formatted.
 */
export function serializeSetCookie(name: string, signedValue: string, data: CookieData): string {
  const options = data as CookieData & { maxAge?: unknown; encode?: unknown };
  if (options == null || options.maxAge != null || options.encode) {
    // Shapes the session cookie never has: let the reference serialiser handle them exactly.
    return cookie.serialize(name, signedValue, data as cookie.CookieSerializeOptions);
  }
  if (name !== checkedName) {
    if (!COOKIE_NAME.test(name)) throw new TypeError('argument name is invalid');
    checkedName = name;
  }
  const head = name + '=' + escapeCookieValue(signedValue);
  const { domain, path, expires, httpOnly, secure, partitioned, priority, sameSite } = data;
  if (
    domain !== attrs.domain ||
    path !== attrs.path ||
    httpOnly !== attrs.httpOnly ||
    secure !== attrs.secure ||
    partitioned !== attrs.partitioned ||
    priority !== attrs.priority ||
    sameSite !== attrs.sameSite
  ) {
    return head + buildAttributes(data);
  }
  return expires ? head + attrs.beforeExpires + formatExpires(expires) + attrs.afterExpires : head + attrs.beforeExpires + attrs.afterExpires;
}

// RFC 6265 grammar, as cookie@0.7 enforces it.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^\\.?${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*$`, 'i');
const PATH = /^[\x20-\x3a\x3d-\x7e]*$/;

let checkedName: string | undefined;

type AttributeValues = Pick<CookieData, 'domain' | 'path' | 'httpOnly' | 'secure' | 'partitioned' | 'priority' | 'sameSite'>;

/** The attribute values of the last valid cookie, and their text around Expires. */
let attrs: AttributeValues & { beforeExpires: string; afterExpires: string } = {
  // A `domain` no cookie can have, so that the first call builds the text.
  domain: {} as string,
  path: undefined,
  httpOnly: undefined,
  secure: undefined,
  partitioned: undefined,
  priority: undefined,
  sameSite: undefined,
  beforeExpires: '',
  afterExpires: '',
};

/** Validates and formats every attribute, in cookie@0.7's order (so the same error wins), and remembers the text. */
function buildAttributes(data: CookieData): string {
  const { domain, path, expires, httpOnly, secure, partitioned, priority, sameSite } = data;
  let beforeExpires = '';
  if (domain) {
    if (!DOMAIN.test(domain)) throw new TypeError('option domain is invalid');
    beforeExpires += '; Domain=' + domain;
  }
  if (path) {
    if (!PATH.test(path)) throw new TypeError('option path is invalid');
    beforeExpires += '; Path=' + path;
  }
  const expiresText = expires ? formatExpires(expires) : '';
  let afterExpires = '';
  if (httpOnly) afterExpires += '; HttpOnly';
  if (secure) afterExpires += '; Secure';
  if (partitioned) afterExpires += '; Partitioned';
  if (priority) afterExpires += '; Priority=' + priorityText(priority);
  if (sameSite) afterExpires += '; SameSite=' + sameSiteText(sameSite);
  attrs = { domain, path, httpOnly, secure, partitioned, priority, sameSite, beforeExpires, afterExpires };
  return beforeExpires + expiresText + afterExpires;
}

function priorityText(priority: unknown): string {
  switch (typeof priority === 'string' ? priority.toLowerCase() : priority) {
    case 'low':
      return 'Low';
    case 'medium':
      return 'Medium';
    case 'high':
      return 'High';
    default:
      throw new TypeError('option priority is invalid');
  }
}

function sameSiteText(sameSite: unknown): string {
  switch (typeof sameSite === 'string' ? sameSite.toLowerCase() : sameSite) {
    case true:
    case 'strict':
      return 'Strict';
    case 'lax':
      return 'Lax';
    case 'none':
      return 'None';
    default:
      throw new TypeError('option sameSite is invalid');
  }
}

const toTag = Object.prototype.toString;
const getTime = Date.prototype.getTime;
let formattedSecond = NaN;
let formattedExpires = '';

/** '; Expires=<HTTP date>', formatted once per second of expiry time. */
function formatExpires(expires: unknown): string {
  if (toTag.call(expires) !== '[object Date]' || isNaN((expires as Date).valueOf() as number)) {
    throw new TypeError('option expires is invalid');
  }
  const date = expires as Date;
  if (Object.getPrototypeOf(date) !== Date.prototype) return '; Expires=' + date.toUTCString();
  // toUTCString has whole-second resolution, so the text depends on the second only.
  const second = Math.floor(getTime.call(date) / 1000);
  if (second !== formattedSecond) {
    formattedExpires = '; Expires=' + date.toUTCString();
    formattedSecond = second;
  }
  return formattedExpires;
}
