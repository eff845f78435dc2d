/**
 * The cookie's option and attribute types, on their own so that the Cookie
 * class and the Set-Cookie serialiser it calls can both import them.
 */
export type SameSiteOption = boolean | 'lax' | 'strict' | 'none' | 'auto';
export type SecureOption = boolean | 'auto';
export type PriorityOption = 'low' | 'medium' | 'high';

/** The cookie settings users pass as the `cookie` option. */
export interface CookieOptions {
  maxAge?: number | null;
  expires?: Date | null | false;
  httpOnly?: boolean;
  path?: string;
  domain?: string;
  secure?: SecureOption;
  sameSite?: SameSiteOption;
  partitioned?: boolean;
  priority?: PriorityOption;
  /** Stored sessions carry this back; it seeds `originalMaxAge` when rebuilding. */
  originalMaxAge?: number | null;
  [extra: string]: unknown;
}

/** The attributes that serialise into Set-Cookie and into the stored session. */
export interface CookieData {
  originalMaxAge: number | null | undefined;
  partitioned: boolean | undefined;
  priority: PriorityOption | undefined;
  expires: Date | null | false | undefined;
  secure: SecureOption | undefined;
  httpOnly: boolean | undefined;
  domain: string | undefined;
  path: string | undefined;
  sameSite: SameSiteOption | undefined;
  /** Stored only (never in Set-Cookie): the session's creation time, when the maxLifetime option is on. */
  createdAt?: number;
}
