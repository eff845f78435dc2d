/**
 * The held final chunk: when the session is saved, the response (headers and
 * body) reaches the socket in one write, after the store finished, so a
 * client that reacts to the first byte already finds the session stored.
 * express-session writes all but the last byte first; that is measured too,
 * so the write counter is shown to tell the two apart.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRecordingStore, express4, express5 } from './helpers/differential';
import { reference, session } from './helpers/package';

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

/** Serves `app` and counts the write batches each connection hands to the OS (net.Socket#_writeGeneric). */
async function serveCountingWrites(app: http.RequestListener) {
  const server = http.createServer(app);
  const writes: number[] = [];
  server.on('connection', (socket: Socket) => {
    const index = writes.push(0) - 1;
    const s = socket as Socket & { _writeGeneric: (...args: unknown[]) => unknown };
    const original = s._writeGeneric;
    s._writeGeneric = function (...args: unknown[]) {
      writes[index]!++;
      return original.apply(this, args);
    };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    writes,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function get(port: number, path: string, cookie?: string): Promise<{ status: number; body: string; setCookie: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, headers: cookie ? { cookie } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, setCookie: (res.headers['set-cookie'] ?? []) as string[] }));
    });
    req.on('error', reject);
  });
}

function buildApp(pkg: any, express: any, store: any) {
  const app = express();
  app.use(pkg({ ...base, store }));
  app.get('/save', (req: any, res: any) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.send('a body of some length');
  });
  app.get('/json', (req: any, res: any) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ big: 'x'.repeat(2000) });
  });
  app.get('/end', (req: any, res: any) => {
    req.session.views = 1;
    res.setHeader('Content-Length', '5');
    res.end('hello');
  });
  app.get('/views', (req: any, res: any) => res.send(String(req.session.views ?? 'none')));
  return app;
}

describe.each([
  ['express4', express4],
  ['express5', express5],
] as const)('single write under %s', (_name, express) => {
  for (const path of ['/save', '/json', '/end']) {
    it(`${path}: one socket write with this package (foreign async store and own MemoryStore), several with express-session`, async () => {
      for (const [label, pkg, store] of [
        ['ours/recording', session, createRecordingStore(session)],
        ['ours/memory', session, new session.MemoryStore()],
        ['reference', reference, createRecordingStore(reference)],
      ] as const) {
        const server = await serveCountingWrites(buildApp(pkg, express, store));
        try {
          const res = await get(server.port, path);
          expect(res.status).toBe(200);
          expect(res.setCookie).toHaveLength(1);
          if (label === 'reference') expect(server.writes[0], label).toBeGreaterThan(1);
          else expect(server.writes[0], label).toBe(1);
        } finally {
          await server.close();
        }
      }
    });
  }

  it('a follow-up sent the moment the response headers arrive sees the saved session (slow store)', async () => {
    const store = createRecordingStore(session);
    const originalSet = store.set.bind(store);
    // A slow write widens the window in which a split response would already be visible.
    store.set = (sid: string, sess: unknown, cb: (err?: unknown) => void) => setTimeout(() => originalSet(sid, sess, cb), 30);
    const app = express();
    app.use(session({ ...base, store }));
    app.get('/login', (req: any, res: any) => {
      req.session.user = 'ada';
      res.redirect('/home');
    });
    app.get('/home', (req: any, res: any) => res.send(req.session.user ?? 'anonymous'));
    const server = await serveCountingWrites(app);
    try {
      for (let i = 0; i < 5; i++) {
        const followUp = await new Promise<string>((resolve, reject) => {
          http
            .get({ host: '127.0.0.1', port: server.port, path: '/login', agent: false }, (res) => {
              const cookie = String(res.headers['set-cookie']![0]).split(';')[0]!;
              // Straight from the headers, without waiting for the body.
              get(server.port, '/home', cookie).then((r) => resolve(r.body), reject);
              res.resume();
            })
            .on('error', reject);
        });
        expect(followUp).toBe('ada');
      }
    } finally {
      await server.close();
    }
  });
});
