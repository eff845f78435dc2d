import type { ServerResponse } from 'node:http';

/**
 * What a request that fails before its first byte looks like: the store
 * refused what the request changed (our own stores), or the end-of-response
 * work threw, and nothing had gone out yet. The app's error handler then
 * answers instead (next(err), a 500 by default), without the Set-Cookie and
 * without the body the app had ended with: a client must not be told its
 * change was kept, nor be given a cookie for a session that was not stored.
 * Once headers are out (the app streamed), the error is reported after the
 * response, as express-session reports every store error.
 */

/** Headers that describe the body the app ended with; that body is not sent when the request fails before it. */
const BODY_HEADERS = ['Content-Length', 'Content-Type', 'Content-Encoding', 'Content-Range', 'Content-Language', 'Content-Disposition', 'ETag', 'Last-Modified'];

export function stripBodyHeaders(res: ServerResponse): void {
  for (const name of BODY_HEADERS) res.removeHeader(name);
}
