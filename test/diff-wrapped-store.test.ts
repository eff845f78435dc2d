/**
 * A MemoryStore whose methods are wrapped after `app.use(session({ store }))`
 * or overridden in a subclass: every store call reaches the wrapper with the
 * arguments express-session passes, in the same order (differential against
 * express-session with its own MemoryStore), errors injected there reach
 * next(err), and once the wrapper is removed our store is driven through its
 * synchronous side door again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  assertSameTranscript,
  buildApp,
  EXPRESS_VERSIONS,
  runBoth,
  type AppUnderTest,
  type SessionPackage,
  type Step,
  type StoreCall,
} from './helpers/differential';
import { session } from './helpers/package';

type Method = 'get' | 'set' | 'touch' | 'destroy';
const METHODS: readonly Method[] = ['get', 'set', 'touch', 'destroy'];
const FAST_STORE = Symbol.for('wasm-session.fast-store');

const base = { secret: 'keyboard cat', resave: false, saveUninitialized: false };
const OPTIONS: Array<Record<string, unknown>> = [
  base,
  { ...base, rolling: true, cookie: { maxAge: 60_000 } },
  { ...base, unset: 'destroy', saveUninitialized: true },
  { ...base, resave: true },
];

const SEQUENCES: Record<string, Step[]> = {
  modify: [{ path: '/modify' }, { path: '/modify' }, { path: '/none' }],
  touch: [{ path: '/modify' }, { path: '/none' }, { path: '/touch' }, { path: '/set-max-age' }],
  destroy: [{ path: '/modify' }, { path: '/destroy' }, { path: '/none' }],
  unset: [{ path: '/modify' }, { path: '/null' }, { path: '/modify' }, { path: '/delete' }, { path: '/none' }],
  regenerate: [{ path: '/modify' }, { path: '/regenerate-modify' }, { path: '/none' }],
  reload: [{ path: '/modify' }, { path: '/reload' }, { path: '/none' }],
  save: [{ path: '/modify-save' }, { path: '/save' }, { path: '/none' }],
  unknown: [{ path: '/modify', cookie: { header: 'connect.sid=s%3Agone.x' } }, { path: '/none' }],
};

/** What a store method was called with: the ID, then each argument's type and the session data it was given. */
function record(calls: StoreCall[], method: Method, args: unknown[]): void {
  const session = method === 'set' || method === 'touch' ? JSON.parse(JSON.stringify(args[1])) : undefined;
  calls.push([method, args[0] as string, { args: args.map((a) => typeof a), session }]);
}

/** Replaces `store[method]` with a recording wrapper, as an APM agent or a test helper does; returns the undo. */
function wrapMethod(store: any, method: Method, calls: StoreCall[]): () => void {
  const original = store[method];
  store[method] = function wrapped(this: unknown, ...args: unknown[]) {
    record(calls, method, args);
    return original.apply(this, args);
  };
  return () => {
    delete store[method];
  };
}

/**
 * The standard differential app on the package's own MemoryStore, with
 * `install` run once the middleware exists (after setup) to wrap the store.
 */
function buildWith(
  pkg: SessionPackage,
  express: any,
  sessionOptions: Record<string, unknown>,
  makeStore: (pkg: SessionPackage, calls: StoreCall[]) => any,
  install: (store: any, calls: StoreCall[]) => void = () => {},
): AppUnderTest {
  const calls: StoreCall[] = [];
  const store = makeStore(pkg, calls);
  const app = buildApp({ pkg, express, sessionOptions: { ...sessionOptions, store } });
  install(store, calls);
  return { ...app, store: { calls } as AppUnderTest['store'] };
}

const plainStore = (pkg: SessionPackage) => new pkg.MemoryStore();

/**
 * Runs every sequence under every option set against both packages and
 * asserts equal transcripts, store calls included; `expected` are the methods
 * the wrapper records, each of which the runs must have reached (else the
 * comparison would be of two empty call lists).
 */
async function assertSameForAll(
  express: any,
  expected: readonly Method[],
  makeStore: (pkg: SessionPackage, calls: StoreCall[]) => any,
  install?: (store: any, calls: StoreCall[]) => void,
): Promise<void> {
  const seen = new Set<unknown>();
  for (const options of OPTIONS) {
    for (const [name, steps] of Object.entries(SEQUENCES)) {
      const { reference, session: ours } = await runBoth((pkg) => buildWith(pkg, express, options, makeStore, install), steps);
      assertSameTranscript(reference, ours, `${name} ${JSON.stringify(options)}`, steps);
      for (const line of ours) for (const call of line.calls as unknown[][]) seen.add(call[0]);
    }
  }
  expect([...seen].sort()).toEqual([...expected].sort());
}

describe.each(EXPRESS_VERSIONS)('a MemoryStore wrapped after setup, under %s', (_name, express) => {
  it.each(METHODS)('store.%s patched on the instance', async (method) => {
    await assertSameForAll(express, [method], plainStore, (store, calls) => wrapMethod(store, method, calls));
  });

  it('all four patched on the instance', async () => {
    await assertSameForAll(express, METHODS, plainStore, (store, calls) => {
      for (const method of METHODS) wrapMethod(store, method, calls);
    });
  });

  it.each(METHODS)('MemoryStore.prototype.%s patched after setup (a spy on the class)', async (method) => {
    const restores: Array<() => void> = [];
    try {
      await assertSameForAll(express, [method], plainStore, (store, calls) => {
        const proto = Object.getPrototypeOf(store);
        const original = proto[method];
        proto[method] = function spied(this: unknown, ...args: unknown[]) {
          if (this === store) record(calls, method, args);
          return original.apply(this, args);
        };
        restores.push(() => {
          proto[method] = original;
        });
      });
    } finally {
      for (const restore of restores.reverse()) restore();
    }
  });
});

/** A subclass of the package's MemoryStore overriding `methods`, recording each call and deferring to super. */
function subclassOverriding(methods: readonly Method[]) {
  return (pkg: SessionPackage, calls: StoreCall[]) => {
    const Base = pkg.MemoryStore as unknown as new () => any;
    class Overriding extends Base {}
    for (const method of methods) {
      (Overriding.prototype as any)[method] = function overridden(this: any, ...args: unknown[]) {
        record(calls, method, args);
        return Base.prototype[method].apply(this, args);
      };
    }
    return new Overriding();
  };
}

describe.each(EXPRESS_VERSIONS)('a MemoryStore subclass, under %s', (_name, express) => {
  const overrides: Array<[string, Method[]]> = [
    ['set', ['set']],
    ['get', ['get']],
    ['get and set', ['get', 'set']],
    ['touch and destroy', ['touch', 'destroy']],
    ['all four', ['get', 'set', 'touch', 'destroy']],
  ];
  it.each(overrides)('overriding %s', async (_label, methods) => {
    await assertSameForAll(express, methods, subclassOverriding(methods));
  });

  it('written as a class with all four methods calling super', async () => {
    const makeStore = (pkg: SessionPackage, calls: StoreCall[]) => {
      const Base = pkg.MemoryStore as unknown as new () => any;
      class Counting extends Base {
        get(...args: unknown[]) {
          record(calls, 'get', args);
          return super.get(...args);
        }
        set(...args: unknown[]) {
          record(calls, 'set', args);
          return super.set(...args);
        }
        touch(...args: unknown[]) {
          record(calls, 'touch', args);
          return super.touch(...args);
        }
        destroy(...args: unknown[]) {
          record(calls, 'destroy', args);
          return super.destroy(...args);
        }
      }
      return new Counting();
    };
    await assertSameForAll(express, METHODS, makeStore);
  });
});

describe.each(EXPRESS_VERSIONS)('errors injected through a wrapper, under %s', (_name, express) => {
  /** Installs the failing wrapper between requests, from the second request on, so a stored session exists. */
  function failFromSecond(method: Method, fail: (args: unknown[]) => void) {
    return (pkg: SessionPackage) => {
      const store = new pkg.MemoryStore();
      const app = buildApp({
        pkg,
        express,
        sessionOptions: { ...base, rolling: true, cookie: { maxAge: 60_000 }, unset: 'destroy', store },
        configure: (a) => {
          let requests = 0;
          a.use((_req: any, _res: any, next: () => void) => {
            if (++requests === 2) (store as any)[method] = (...args: unknown[]) => fail(args);
            next();
          });
        },
      });
      return app;
    };
  }
  const callback = (args: unknown[]) => args[args.length - 1] as (err?: unknown, value?: unknown) => void;
  const cases: Array<[string, Method, (args: unknown[]) => void]> = [
    ["get: cb(new Error('boom!'))", 'get', (args) => callback(args)(new Error('boom!'))],
    ['get: ENOENT means not found', 'get', (args) => callback(args)(Object.assign(new Error('gone'), { code: 'ENOENT' }))],
    ['get: another code is an error', 'get', (args) => callback(args)(Object.assign(new Error('io'), { code: 'EIO' }))],
    ['get: found nothing', 'get', (args) => callback(args)(null, null)],
    ['set fails', 'set', (args) => setImmediate(() => callback(args)(new Error('set boom')))],
    ['touch fails', 'touch', (args) => callback(args)(new Error('touch boom'))],
    ['destroy fails', 'destroy', (args) => setImmediate(() => callback(args)(new Error('destroy boom')))],
  ];
  it.each(cases)('%s', async (_label, method, fail) => {
    for (const steps of Object.values(SEQUENCES)) {
      const { reference, session: ours } = await runBoth(failFromSecond(method, fail), steps);
      assertSameTranscript(reference, ours, `${method} ${JSON.stringify(steps)}`, steps);
    }
  });

  it("get: cb(new Error('boom!')) gives a 500 with that message on the next request", async () => {
    const steps: Step[] = [{ path: '/modify' }, { path: '/none' }];
    const { session: ours } = await runBoth(failFromSecond('get', (args) => callback(args)(new Error('boom!'))), steps);
    expect(ours[1]).toMatchObject({ status: 500, body: { error: 'boom!' } });
  });
});

/** The side door's own calls, counted by spies on the access object (the store's methods stay untouched). */
function spyOnSideDoor(store: any) {
  const access = store[FAST_STORE];
  // Writes only: MemoryStore's callback get reads through readSession too, so only the writes tell the paths apart.
  const spies = (['writeJSON', 'touch', 'destroy'] as const).map((name) => vi.spyOn(access, name));
  return () => spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
}

function counterApp(store: unknown) {
  const express = EXPRESS_VERSIONS[0][1];
  const app = express();
  app.use(session({ ...base, store: store as never }));
  app.get('/count', (req: any, res: any) => {
    req.session.views = (req.session.views ?? 0) + 1;
    res.json({ views: req.session.views });
  });
  return app;
}

const cookieOf = (res: request.Response) => (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0]?.split(';')[0];

describe('patch, then restore: the side door comes back', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  // LmdbStore's callback methods themselves go through its side door, so only
  // MemoryStore's side-door count tells the two paths apart.
  const stores: Array<[string, boolean, () => any]> = [
    ['MemoryStore', true, () => new session.MemoryStore({ sweepInterval: 0 })],
    [
      'LmdbStore',
      false,
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-session-wrapped-'));
        dirs.push(dir);
        return new session.LmdbStore({ path: dir, sweepInterval: 0 });
      },
    ],
  ];

  it.each(stores)('%s: wrapper counted while installed, not after removal (delete or reassigning the original)', async (_name, sideDoorDistinct, make) => {
    const store = make();
    const app = counterApp(store);
    const sideDoor = spyOnSideDoor(store);
    const first = await request(app).get('/count').expect(200, { views: 1 });
    const cookie = cookieOf(first)!;
    if (sideDoorDistinct) expect(sideDoor()).toBe(1);

    let wrapped = 0;
    const originals = Object.fromEntries(METHODS.map((m) => [m, store[m]]));
    for (const method of METHODS) {
      const original = store[method];
      store[method] = function counting(this: unknown, ...args: unknown[]) {
        wrapped++;
        return original.apply(this, args);
      };
    }
    await request(app).get('/count').set('Cookie', cookie).expect(200, { views: 2 });
    expect(wrapped).toBe(2); // get, then set
    if (sideDoorDistinct) expect(sideDoor()).toBe(1);

    // Removed by deleting the own properties.
    for (const method of METHODS) delete store[method];
    await request(app).get('/count').set('Cookie', cookie).expect(200, { views: 3 });
    expect(wrapped).toBe(2);
    if (sideDoorDistinct) expect(sideDoor()).toBe(2);

    // Installed again, then "removed" by assigning the class's own functions back as own properties.
    const counting = (method: Method) =>
      function (this: unknown, ...args: unknown[]) {
        wrapped++;
        return originals[method].apply(this, args);
      };
    for (const method of METHODS) store[method] = counting(method);
    await request(app).get('/count').set('Cookie', cookie).expect(200, { views: 4 });
    expect(wrapped).toBe(4);
    if (sideDoorDistinct) expect(sideDoor()).toBe(2);
    for (const method of METHODS) store[method] = originals[method];
    await request(app).get('/count').set('Cookie', cookie).expect(200, { views: 5 });
    await request(app).get('/count').expect(200, { views: 1 });
    expect(wrapped).toBe(4);
    if (sideDoorDistinct) expect(sideDoor()).toBe(4);
    if (typeof store.close === 'function') await store.close();
  });

  it('a wrapper installed inside a route sees that same request’s write, as under express-session', async () => {
    const store = new session.MemoryStore({ sweepInterval: 0 }) as any;
    const express = EXPRESS_VERSIONS[0][1];
    const app = express();
    app.use(session({ ...base, store }));
    const seen: string[] = [];
    app.get('/wrap-now', (req: any, res: any) => {
      const original = store.set;
      store.set = function (this: unknown, ...args: unknown[]) {
        seen.push(args[0] as string);
        delete store.set;
        return original.apply(this, args);
      };
      req.session.views = 1;
      res.json({ id: req.sessionID });
    });
    const res = await request(app).get('/wrap-now').expect(200);
    expect(seen).toEqual([res.body.id]);
  });
});
