// Pre-creating the sessions that the existing-session scenarios replay: one
// login per connection, then a read that proves the cookie finds its session,
// so a contender that silently drops sessions cannot post a flattering figure.
import { LOGIN, WHOAMI } from './scenarios.mjs';

/**
 * @param {(request: { method: string, path: string, cookie?: string }) =>
 *   Promise<{ status: number, setCookie: string[], body: string }>} send one request to the app under test
 * @param {number} count sessions to create
 * @param {{ expectSessions: boolean }} options false for bare Express, which has none
 * @returns {Promise<Array<string|undefined>>} `name=value` cookie pairs (undefined without sessions)
 */
export async function preCreateSessions(send, count, { expectSessions }) {
  const cookies = [];
  for (let i = 0; i < count; i++) {
    const login = await send({ method: LOGIN.method, path: LOGIN.path });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.body.slice(0, 200)}`);
    if (!expectSessions) {
      cookies.push(undefined);
      continue;
    }
    const cookie = firstCookiePair(login.setCookie);
    if (!cookie) throw new Error('login answered without a Set-Cookie header');
    const check = await send({ method: WHOAMI.method, path: WHOAMI.path, cookie });
    if (check.body !== 'bench-user') throw new Error(`a fresh session cookie was not recognised (body "${check.body}")`);
    cookies.push(cookie);
  }
  return cookies;
}

/** `name=value` of the first Set-Cookie header, which is what a browser sends back. */
export function firstCookiePair(setCookieHeaders) {
  const first = setCookieHeaders[0];
  return first === undefined ? undefined : first.split(';', 1)[0];
}
