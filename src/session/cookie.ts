import depd from 'depd';
import { SetCookieSerializer } from '../cookie-codec/set-cookie';
import type { CookieData, CookieOptions, PriorityOption, SameSiteOption, SecureOption } from './cookie-options';

// One depd instance per module: depd attributes a warning to the first caller outside this file.
const deprecate = depd('wasm-session');

export type { CookieData, CookieOptions, PriorityOption, SameSiteOption, SecureOption } from './cookie-options';

/**
 * The session cookie: attributes plus an expiry that `maxAge` reads as the
 * milliseconds left. Behaves as express-session's Cookie, including the rule
 * that of `expires` and `maxAge` the one given last wins.
 */
export class Cookie {
  declare path: string | undefined;
  declare httpOnly: boolean | undefined;
  declare domain: string | undefined;
  declare secure: SecureOption | undefined;
  declare sameSite: SameSiteOption | undefined;
  declare partitioned: boolean | undefined;
  declare priority: PriorityOption | undefined;
  declare originalMaxAge: number | null | undefined;
  /** Epoch ms the session was created, set only under the maxLifetime option (session/lifetime.ts). */
  declare createdAt: number | undefined;
  private declare _expires: Date | null | false | undefined;

  constructor(options?: CookieOptions) {
    // Assigned in this order so the own keys (path, _expires, originalMaxAge,
    // httpOnly) list as express-session's do.
    this.path = '/';
    this.maxAge = null;
    this.httpOnly = true;
    if (options) {
      if (typeof options !== 'object') {
        throw new TypeError('argument options must be a object');
      }
      for (const key in options) {
        if (key !== 'data') {
          (this as unknown as Record<string, unknown>)[key] = options[key];
        }
      }
    }
    if (this.originalMaxAge === undefined || this.originalMaxAge === null) {
      this.originalMaxAge = this.maxAge as number | null | undefined;
    }
  }

  set expires(date: Date | null | false | undefined) {
    this._expires = date;
    this.originalMaxAge = this.maxAge as number | null | undefined;
  }

  get expires(): Date | null | false | undefined {
    return this._expires;
  }

  /** Milliseconds until expiry; setting it moves `expires`. */
  set maxAge(ms: number | Date | null | undefined | false) {
    if (ms && typeof ms !== 'number' && !(ms instanceof Date)) {
      throw new TypeError('maxAge must be a number or Date');
    }
    if (ms instanceof Date) {
      deprecate('maxAge as Date; pass number of milliseconds instead');
    }
    this.expires = typeof ms === 'number' ? new Date(Date.now() + ms) : (ms as Date | null | undefined | false);
  }

  get maxAge(): number | null | undefined | false {
    const expires = this._expires;
    return expires instanceof Date ? expires.valueOf() - Date.now() : (expires as null | undefined | false);
  }

  get data(): CookieData {
    return {
      originalMaxAge: this.originalMaxAge,
      partitioned: this.partitioned,
      priority: this.priority,
      expires: this._expires,
      secure: this.secure,
      httpOnly: this.httpOnly,
      domain: this.domain,
      path: this.path,
      sameSite: this.sameSite,
    };
  }

  serialize(name: string, value: string): string {
    // A serializer of its own: the middleware's caches stay the middleware's.
    return new SetCookieSerializer().serialize(name, value, this.data);
  }

  toJSON(): CookieData {
    const data = this.data;
    // The maxLifetime stamp is stored with the session; `data` (what Set-Cookie is made from) leaves it out.
    if (typeof this.createdAt === 'number') data.createdAt = this.createdAt;
    return data;
  }
}

// express-session defines these on a plain prototype object, so they are
// enumerable and `for…in` over a cookie (which `new Cookie(otherCookie)` does)
// sees them; keep that.
for (const key of ['expires', 'maxAge', 'data', 'serialize', 'toJSON'] as const) {
  Object.defineProperty(Cookie.prototype, key, { enumerable: true });
}
