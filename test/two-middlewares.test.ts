/**
 * Two session middlewares in one app, with different names, secrets and
 * cookie options, taking requests interleaved (and concurrently): each
 * response carries exactly the Set-Cookie its own middleware would set, as
 * express-session sets it, signed with its own secret. Nothing one instance
 * caches (Set-Cookie attribute text, the escaped signed value) reaches the other.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import expressSession from 'express-session';
import signature from 'cookie-signature';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';

type Factory = (options: Record<string, unknown>) => express.RequestHandler;

const A = { name: 'a.sid', secret: 'secret of a', cookie: { path: '/a', domain: 'example.test', sameSite: 'strict', maxAge: 60_000 } };
const B = { name: 'b.sid', secret: 'secret of b', cookie: { path: '/b', httpOnly: false, sameSite: 'lax', priority: 'high', partitioned: true, secure: false } };

function appWith(factory: Factory): express.Express {
  const app = express();
  for (const [prefix, options] of [['/a', A], ['/b', B]] as const) {
    app.use(prefix, factory({ ...options, resave: false, saveUninitialized: true }));
    app.get(prefix, (req, res) => {
      (req as unknown as { session: Record<string, unknown> }).session.seen = prefix;
      res.end(prefix);
    });
  }
  return app;
}

/** The Set-Cookie with its value and Expires date taken out, and whether each was there. */
function shape(header: string): { attributes: string; value: string } {
  const [nameValue, ...rest] = header.split('; ');
  const [name, value] = nameValue!.split('=') as [string, string];
  const attributes = [name, ...rest.map((part) => (part.startsWith('Expires=') ? 'Expires=<date>' : part))].join('; ');
  return { attributes, value: decodeURIComponent(value) };
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const ORDER = ['/a', '/b', '/b', '/a', '/a', '/b', '/a', '/b', '/b', '/b', '/a', '/a'];

describe('two middlewares in one app', () => {
  let ours: Awaited<ReturnType<typeof listen>>;
  let reference: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    ours = await listen(appWith(session as unknown as Factory));
    reference = await listen(appWith(expressSession as unknown as Factory));
  });
  afterAll(async () => {
    await ours?.close();
    await reference?.close();
  });

  async function setCookie(base: string, path: string): Promise<string> {
    const res = await fetch(base + path);
    await res.text();
    const header = res.headers.get('set-cookie');
    expect(header, path).toBeTruthy();
    return header!;
  }

  it('interleaved one after another: each Set-Cookie is its own middleware\'s, as express-session sets it', async () => {
    for (const path of ORDER) {
      const got = shape(await setCookie(ours.url, path));
      const expected = shape(await setCookie(reference.url, path));
      expect(got.attributes, path).toBe(expected.attributes);
      const secret = path === '/a' ? A.secret : B.secret;
      expect(got.value.startsWith('s:'), path).toBe(true);
      expect(signature.unsign(got.value.slice(2), secret), path).not.toBe(false);
    }
  });

  it('concurrently: the same, whatever order the responses are written in', async () => {
    const expected = new Map<string, string>();
    for (const path of ['/a', '/b']) expected.set(path, shape(await setCookie(reference.url, path)).attributes);
    const paths = [...ORDER, ...ORDER, ...ORDER];
    const headers = await Promise.all(paths.map((path) => setCookie(ours.url, path)));
    headers.forEach((header, i) => {
      const path = paths[i]!;
      const got = shape(header);
      expect(got.attributes, path).toBe(expected.get(path));
      expect(signature.unsign(got.value.slice(2), path === '/a' ? A.secret : B.secret), path).not.toBe(false);
    });
  });
});
