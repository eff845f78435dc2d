import type { ServerResponse } from 'node:http';

/** The epoch: an Expires in the past, which makes a browser delete the cookie. */
export const EXPIRED = new Date(0);

/** Adds one Set-Cookie line, keeping those other code set. */
export function appendSetCookie(res: ServerResponse, cookie: string): void {
  const prev = res.getHeader('Set-Cookie');
  // Always an array, as express-session leaves it, so later middleware sees the same shape.
  const header = prev === undefined || prev === '' ? [cookie] : Array.isArray(prev) ? prev.concat(cookie) : [String(prev), cookie];
  res.setHeader('Set-Cookie', header);
}
