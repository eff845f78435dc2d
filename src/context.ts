import type { SessionIdCodec } from './cookie-codec/codec';
import type { SetCookieSerializer } from './cookie-codec/set-cookie';
import type { ResolvedOptions } from './options';
import type { SessionInflater } from './session/session';
import type { FastPath } from './request/fast-path';
import type { InstalledHooks } from './request/response-hooks';

export type NextFunction = (err?: unknown) => void;

/** Everything a request needs from the setup, built once per middleware. */
export interface SessionContext extends ResolvedOptions {
  storeReady: boolean;
  /** Present when the store is one of ours; `current()` says per use whether its side door may be taken. */
  fastPath: FastPath | undefined;
  storeImplementsTouch: boolean;
  /** Builds `req.session` from stored data: our Session and Cookie unless the store overrides createSession. */
  inflate: SessionInflater;
  /** The codec for the configured secrets; per-request `req.secret` codecs are cached. */
  codec: SessionIdCodec | undefined;
  codecForSecret: Map<unknown, SessionIdCodec>;
  /** This middleware's Set-Cookie serializer, whose caches no other middleware shares. */
  setCookie: SetCookieSerializer;
  /** Whether requests on our own store load their session on first use of req.session (middleware.ts canDeferLoad). */
  deferLoad: boolean;
  /** The response hooks on ServerResponse.prototype, installed at setup; a response they reach needs no wrappers of its own. */
  responseHooks: InstalledHooks;
}
