/**
 * Where this package deliberately does better than express-session (see
 * docs/parity.md): failures that would leave an express-session response
 * hanging or escape res.end are reported through next(err) with a code, and
 * the process never crashes. Also: our stores' fast path steps aside when an
 * app overrides a store method, so the override sees every call.
 */
import { describe, expect, it } from 'vitest';
import { createRecordingStore, express4, httpRequest, listen } from './helpers/differential';
import { session } from './helpers/package';

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };

async function serve(app: any, run: (port: number) => Promise<void>): Promise<void> {
  const server = await listen(app);
  try {
    await run(server.port);
  } finally {
    await server.close();
  }
}

function appWith(store: any, handler: (req: any, res: any) => void, errors: unknown[]) {
  const app = express4();
  app.use(session({ ...base, store }));
  app.get('/', handler);
  app.use((err: any, _req: any, res: any, _next: any) => {
    errors.push(err);
    if (!res.headersSent) res.status(500).json({ code: err.code ?? null, message: err.message });
  });
  return app;
}

describe('robustness', () => {
  it('session data JSON cannot hold (BigInt, cycles) answers 500 ERR_SESSION_SERIALIZE instead of hanging', async () => {
    for (const poison of [() => 10n, () => { const o: any = {}; o.self = o; return o; }]) {
      const errors: unknown[] = [];
      const app = appWith(new session.MemoryStore(), (req, res) => {
        req.session.bad = poison();
        res.send('never');
      }, errors);
      await serve(app, async (port) => {
        const res = await httpRequest(port, '/');
        expect(res.status).toBe(500);
        expect(JSON.parse(res.body).code).toBe('ERR_SESSION_SERIALIZE');
      });
    }
  });

  it('a store that throws in set is reported after the response, which still arrives', async () => {
    const store = createRecordingStore(session);
    store.set = () => {
      throw Object.assign(new Error('store down'), { code: 'ECONNREFUSED' });
    };
    const errors: any[] = [];
    const app = appWith(store, (req, res) => {
      req.session.n = 1;
      res.send('body');
    }, errors);
    await serve(app, async (port) => {
      const res = await httpRequest(port, '/');
      expect(res.status).toBe(200);
      expect(res.body).toBe('body');
      await new Promise((r) => setImmediate(r));
      expect(errors.map((e) => e.message)).toEqual(['store down']);
    });
  });

  it('overriding a method of our MemoryStore routes every call through it (no silent fast path)', async () => {
    const store: any = new session.MemoryStore();
    const seen: string[] = [];
    for (const method of ['get', 'set', 'touch', 'destroy']) {
      const original = store[method].bind(store);
      store[method] = (...args: any[]) => {
        seen.push(method);
        return original(...args);
      };
    }
    const app = express4();
    app.use(session({ ...base, store, unset: 'destroy' }));
    app.get('/set', (req: any, res: any) => {
      req.session.n = 1;
      res.end('ok');
    });
    app.get('/read', (_req: any, res: any) => res.end('ok'));
    app.get('/drop', (req: any, res: any) => {
      req.session = null;
      res.end('ok');
    });
    await serve(app, async (port) => {
      const first = await httpRequest(port, '/set');
      const cookie = String(first.headers['set-cookie']![0]).split(';')[0]!;
      await httpRequest(port, '/read', { cookie });
      await httpRequest(port, '/drop', { cookie });
    });
    expect(seen).toEqual(['set', 'get', 'touch', 'get', 'destroy']);
  });

  it('hostile Cookie headers and URLs never crash the process', async () => {
    const app = appWith(new session.MemoryStore(), (req, res) => res.send(String(Boolean(req.session))), []);
    await serve(app, async (port) => {
      for (const cookie of ['connect.sid=%', 'connect.sid=s:%ZZ', `connect.sid=s:${'a'.repeat(10_000)}.x`, 'connect.sid=s:.', '\u0000']) {
        const res = await httpRequest(port, '/', { cookie: encodeURI(cookie) });
        expect(res.status).toBe(200);
      }
      const weird = await httpRequest(port, '//%2e%2e/?%');
      expect([200, 404]).toContain(weird.status);
    });
  });
});
