import type { CookieOptions } from './cookie';
import { deprecate } from './deprecate';
import { generateSessionId } from './genid';
import type { SecretKey } from './session-id/secret';
import type { Store } from './store';
import { MemoryStore } from './stores/memory-store';
import type { SessionRequest } from './types';

/** The options users pass, exactly those of express-session. */
export interface SessionOptions {
  secret?: SecretKey | SecretKey[];
  cookie?: CookieOptions | ((req: SessionRequest) => CookieOptions);
  genid?: (req: SessionRequest) => string;
  name?: string;
  /** Legacy spelling of `name`. */
  key?: string;
  proxy?: boolean;
  resave?: boolean;
  rolling?: boolean;
  saveUninitialized?: boolean;
  store?: Store;
  unset?: 'destroy' | 'keep';
}

/** The options after validation, every field filled. */
export interface ResolvedOptions {
  cookie: CookieOptions | ((req: SessionRequest) => CookieOptions);
  genid: (req: SessionRequest) => string;
  name: string;
  proxy: boolean | undefined;
  resave: boolean;
  rolling: boolean;
  saveUninitialized: boolean;
  /** Undefined when the secret comes from cookie-parser's `req.secret` per request. */
  secrets: readonly SecretKey[] | undefined;
  store: Store;
  unsetDestroy: boolean;
}

/** Validates options once at setup, throwing the reference's TypeErrors, and fills defaults. */
export function resolveOptions(options: SessionOptions = {}): ResolvedOptions {
  const genid = options.genid ?? generateSessionId;
  if (typeof genid !== 'function') {
    throw new TypeError('genid option must be a function');
  }

  let resave = options.resave;
  if (resave === undefined) {
    deprecate('undefined resave option; provide resave option');
    resave = true;
  }

  let saveUninitialized = options.saveUninitialized;
  if (saveUninitialized === undefined) {
    deprecate('undefined saveUninitialized option; provide saveUninitialized option');
    saveUninitialized = true;
  }

  const unset = options.unset;
  if (unset && unset !== 'destroy' && unset !== 'keep') {
    throw new TypeError('unset option must be "destroy" or "keep"');
  }

  const secret = options.secret;
  if (Array.isArray(secret) && secret.length === 0) {
    throw new TypeError('secret option array must contain one or more strings');
  }
  const secrets = secret ? (Array.isArray(secret) ? secret.slice() : [secret]) : undefined;
  if (!secrets) {
    deprecate('req.secret; provide secret option');
  }

  return {
    cookie: options.cookie ?? {},
    genid,
    name: options.name || options.key || 'connect.sid',
    proxy: options.proxy,
    resave: Boolean(resave),
    rolling: Boolean(options.rolling),
    saveUninitialized: Boolean(saveUninitialized),
    secrets,
    store: options.store ?? new MemoryStore(),
    unsetDestroy: unset === 'destroy',
  };
}
