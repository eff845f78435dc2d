import cookie from 'cookie';
import type { CookieData } from '../session/cookie';
import { escapeCookieValue } from './escaped-value';

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
    namePrefix = name + '=';
  }
  const head = namePrefix + escapeCookieValue(signedValue);
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
  return head + (expires ? attributesWithExpires(expires) : attrs.withoutExpires);
}

// RFC 6265 grammar, as cookie@0.7 enforces it.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DOMAIN_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^\\.?${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*$`, 'i');
const PATH = /^[\x20-\x3a\x3d-\x7e]*$/;

let checkedName: string | undefined;
let namePrefix = '';

type AttributeValues = Pick<CookieData, 'domain' | 'path' | 'httpOnly' | 'secure' | 'partitioned' | 'priority' | 'sameSite'>;

/** The attribute values of the last valid cookie, and their text around Expires and without it. */
let attrs: AttributeValues & { beforeExpires: string; afterExpires: string; withoutExpires: string } = {
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
  withoutExpires: '',
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
  attrs = { domain, path, httpOnly, secure, partitioned, priority, sameSite, beforeExpires, afterExpires, withoutExpires: beforeExpires + afterExpires };
  // The cached attribute text with Expires belongs to the previous attributes.
  attributesSecond = NaN;
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
let attributesSecond = NaN;
let attributesText = '';

/** `expires` as a Date, or cookie@0.7's TypeError unless it is a valid one. */
function checkedExpires(expires: unknown): Date {
  if (toTag.call(expires) !== '[object Date]' || isNaN((expires as Date).valueOf() as number)) {
    throw new TypeError('option expires is invalid');
  }
  return expires as Date;
}

function formatExpires(expires: unknown): string {
  return '; Expires=' + checkedExpires(expires).toUTCString();
}

/**
 * The whole attribute text of the current attributes with `expires`,
 * formatted once per second of expiry time (toUTCString has whole-second
 * resolution): a busy server sets many cookies that expire in the same
 * second, and each then costs one concatenation, not a date format and four.
 */
function attributesWithExpires(expires: unknown): string {
  const date = checkedExpires(expires);
  // A Date subclass may format itself differently: not cached.
  if (Object.getPrototypeOf(date) !== Date.prototype) return attrs.beforeExpires + formatExpires(date) + attrs.afterExpires;
  const second = Math.floor(getTime.call(date) / 1000);
  if (second !== attributesSecond) {
    attributesText = attrs.beforeExpires + formatExpires(date) + attrs.afterExpires;
    attributesSecond = second;
  }
  return attributesText;
}
