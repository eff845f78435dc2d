/**
 * Differential harness: the same app and the same request sequence run
 * against express-session (the oracle) and against this package, each with
 * its own store, producing transcripts with random IDs and clock-dependent
 * dates masked so the two can be compared with `toEqual`.
 *
 * A transcript line per request holds the status, the body, the Set-Cookie
 * headers (value decoded to an ID label and checked against the secrets,
 * Expires turned into minutes from now), the store calls the request made,
 * errors that reached `next(err)` after the response, and the store contents.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import signature from 'cookie-signature';
import { reference, session } from './package';

const require = createRequire(import.meta.url);

export type SessionPackage = typeof session;
export type Express = (() => any) & { Router?: unknown };

export const express4 = require('express') as Express;
export const express5 = require('express5') as Express;
export const EXPRESS_VERSIONS = [
  ['express4', express4],
  ['express5', express5],
] as const;

export const IMPLEMENTATIONS = { reference, session } as const;

/** A session ID of the default generator: 24 random bytes as URL-safe base64. */
const DEFAULT_ID = /^[A-Za-z0-9_-]{32}$/;

// ---------------------------------------------------------------------------
// Recording store

export type StoreCall = [op: string, sid: string, data?: unknown];

export interface RecordingStoreOptions {
  /** Fail the named operations with this error (per call, checked at call time). */
  failWith?: Partial<Record<'get' | 'set' | 'destroy' | 'touch', () => Error>>;
  /** Leave `touch` unimplemented, as some older stores do. */
  noTouch?: boolean;
}

export interface RecordingStore {
  calls: StoreCall[];
  data: Map<string, string>;
  options: RecordingStoreOptions;
}

/**
 * A store subclassing the given package's Store, backed by a Map of JSON
 * text, answering asynchronously as a networked store would, and recording
 * every get/set/touch/destroy call with a copy of the data it was given.
 */
export function createRecordingStore(pkg: SessionPackage, options: RecordingStoreOptions = {}): any {
  const Base = pkg.Store as unknown as new () => object;
  class Recording extends Base implements RecordingStore {
    calls: StoreCall[] = [];
    data = new Map<string, string>();
    options = options;

    get(sid: string, cb: (err: unknown, sess?: unknown) => void): void {
      this.calls.push(['get', sid]);
      const fail = this.options.failWith?.get;
      const json = this.data.get(sid);
      setImmediate(() => (fail ? cb(fail()) : cb(null, json === undefined ? undefined : JSON.parse(json))));
    }

    set(sid: string, sess: unknown, cb?: (err?: unknown) => void): void {
      const json = JSON.stringify(sess);
      this.calls.push(['set', sid, JSON.parse(json)]);
      const fail = this.options.failWith?.set;
      if (!fail) this.data.set(sid, json);
      setImmediate(() => cb?.(fail ? fail() : null));
    }

    destroy(sid: string, cb?: (err?: unknown) => void): void {
      this.calls.push(['destroy', sid]);
      const fail = this.options.failWith?.destroy;
      if (!fail) this.data.delete(sid);
      setImmediate(() => cb?.(fail ? fail() : null));
    }
  }
  if (!options.noTouch) {
    (Recording.prototype as any).touch = function touch(this: Recording, sid: string, sess: any, cb?: (err?: unknown) => void) {
      this.calls.push(['touch', sid, JSON.parse(JSON.stringify(sess))]);
      const fail = this.options.failWith?.touch;
      const json = this.data.get(sid);
      if (!fail && json !== undefined) {
        const stored = JSON.parse(json);
        stored.cookie = JSON.parse(JSON.stringify(sess.cookie));
        this.data.set(sid, JSON.stringify(stored));
      }
      setImmediate(() => cb?.(fail ? fail() : null));
    };
  }
  return new Recording();
}

// ---------------------------------------------------------------------------
// Masking

/** Gives random session IDs stable labels (S1, S2, …) in order of first appearance. */
export class Labeler {
  private readonly labels = new Map<string, string>();

  label(id: unknown): string {
    if (typeof id !== 'string') return `<${typeof id}:${String(id)}>`;
    let label = this.labels.get(id);
    if (label === undefined) {
      label = DEFAULT_ID.test(id) || id.startsWith('gen-') ? `S${this.labels.size + 1}` : `raw:${id}`;
      this.labels.set(id, label);
    }
    return label;
  }

  /** Replaces every known or default-shaped ID inside a text. */
  maskText(text: string): string {
    return text.replace(/[A-Za-z0-9_-]{32}|gen-[0-9]+/g, (m) => this.label(m));
  }
}

function minutesFromNow(date: number, now: number): string {
  const minutes = Math.round((date - now) / 60_000);
  return `{${minutes >= 0 ? '+' : ''}${minutes}m}`;
}

/** Masks dates (ISO strings) anywhere in a JSON-shaped value as minutes from now. */
export function maskValue(value: unknown, labeler: Labeler, now: number): unknown {
  if (typeof value === 'string') {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value)) return minutesFromNow(Date.parse(value), now);
    return labeler.maskText(value);
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v, labeler, now));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Countdowns (originalMaxAge taken from an `expires` option) move with the clock: compare minutes.
      const countdown = (k === 'originalMaxAge' || k === 'maxAge') && typeof v === 'number';
      out[labeler.maskText(k)] = countdown ? `{~${Math.round(v / 60_000)}m}` : maskValue(v, labeler, now);
    }
    return out;
  }
  return value;
}

/**
 * A Set-Cookie header with the signed value replaced by `s:{label}.{sig:N}`
 * (N = index of the secret that signed it, or `bad`) and Expires by minutes
 * from now. Attribute order and spelling are kept, so cookies compare exactly.
 */
export function maskSetCookie(header: string, secrets: readonly unknown[], labeler: Labeler, now: number): string {
  const semi = header.indexOf(';');
  const pair = semi === -1 ? header : header.slice(0, semi);
  const rest = semi === -1 ? '' : header.slice(semi);
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq);
  const value = decodeURIComponent(pair.slice(eq + 1));
  let masked = value;
  if (value.startsWith('s:')) {
    const body = value.slice(2);
    const dot = body.lastIndexOf('.');
    const id = body.slice(0, dot);
    const signer = secrets.findIndex((s) => signature.unsign(body, s as string) === id);
    masked = `s:${labeler.label(id)}.{sig:${signer === -1 ? 'bad' : signer}}`;
  }
  const attrs = rest.replace(/Expires=([^;]+)/i, (_m, d: string) => `Expires=${minutesFromNow(Date.parse(d), now)}`);
  return `${name}=${masked}${attrs}`;
}

// ---------------------------------------------------------------------------
// Running an app

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpRequest(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  secure = false,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const client = secure ? https : http;
    const options = { host: '127.0.0.1', port, path, method, headers, agent: false, rejectUnauthorized: false };
    const req = client.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface TlsCredentials {
  key: string;
  cert: string;
}

export async function listen(
  handler: http.RequestListener,
  tls?: TlsCredentials,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Lets deferred `next(err)` calls (setImmediate after the response) land before reading the log. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

export interface Step {
  path: string;
  /** Which session cookie to send: the jar's (default), none, or a literal Cookie header. */
  cookie?: 'jar' | 'none' | { header: string };
  headers?: Record<string, string>;
  method?: string;
}

export interface TranscriptLine {
  status: number;
  body: unknown;
  setCookie: string[];
  calls: unknown[];
  lateErrors: string[];
  store: unknown;
}

export interface AppUnderTest {
  /** The Express app (or plain listener) to serve. */
  handler: http.RequestListener;
  /** Errors passed to next(err) after the response was sent. */
  lateErrors: string[];
  /** The recording store, when the scenario uses one. */
  store?: RecordingStore & { all?: unknown };
  /** Reads the whole store as an object keyed by session ID. */
  dump?: () => Promise<Record<string, unknown> | undefined>;
}

export interface RunOptions {
  cookieName?: string;
  /** The secrets to verify Set-Cookie signatures with (index reported as `sig:N`). */
  secrets?: readonly unknown[];
  /** Serve over HTTPS with these credentials. */
  tls?: TlsCredentials;
}

/**
 * Runs steps against one app, carrying the session cookie like a browser
 * (the jar keeps the last session cookie set, and drops it when the
 * response clears it), and returns the masked transcript.
 */
export async function runSteps(
  app: AppUnderTest,
  steps: readonly Step[],
  options: RunOptions = {},
): Promise<TranscriptLine[]> {
  const name = options.cookieName ?? 'connect.sid';
  const secrets = options.secrets ?? ['keyboard cat'];
  const labeler = new Labeler();
  const server = await listen(app.handler, options.tls);
  const transcript: TranscriptLine[] = [];
  let jar: string | undefined;
  try {
    for (const step of steps) {
      const headers: Record<string, string> = { ...step.headers };
      const cookie = step.cookie ?? 'jar';
      if (cookie === 'jar' && jar !== undefined) headers.cookie = jar;
      else if (typeof cookie === 'object') headers.cookie = cookie.header;
      const callsBefore = app.store?.calls.length ?? 0;
      const errorsBefore = app.lateErrors.length;
      const res = await httpRequest(server.port, step.path, headers, step.method, options.tls !== undefined);
      await settle();
      const now = Date.now();
      const setCookies = (res.headers['set-cookie'] ?? []) as string[];
      for (const sc of setCookies) {
        if (sc.startsWith(name + '=')) jar = sc.slice(0, sc.indexOf(';') === -1 ? undefined : sc.indexOf(';'));
      }
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        /* plain text body */
      }
      transcript.push({
        status: res.status,
        body: maskValue(body, labeler, now),
        setCookie: setCookies.map((sc) => maskSetCookie(sc, secrets, labeler, now)),
        calls: (app.store?.calls.slice(callsBefore) ?? []).map(([op, sid, data]) =>
          data === undefined ? [op, labeler.label(sid)] : [op, labeler.label(sid), maskValue(data, labeler, now)],
        ),
        lateErrors: app.lateErrors.slice(errorsBefore),
        // Sorted: express-session's MemoryStore lists in insertion order, ours by recency; order is not API.
        store: app.dump ? sortKeys(maskValue(await app.dump(), labeler, now)) : undefined,
      });
    }
  } finally {
    await server.close();
  }
  return transcript;
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Reads a store's contents through its public `all()` (MemoryStore) or its recording Map. */
export function dumpStore(store: any): () => Promise<Record<string, unknown> | undefined> {
  return async () => {
    if (store.data instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of store.data as Map<string, string>) out[k] = JSON.parse(v);
      return out;
    }
    if (typeof store.all === 'function') {
      return new Promise((resolve, reject) =>
        store.all((err: unknown, all: Record<string, unknown>) => (err ? reject(err) : resolve(all))),
      );
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------
// A standard app: session middleware + action routes + an error reporter

export type Action =
  | 'none'
  | 'modify'
  | 'regenerate'
  | 'regenerate-modify'
  | 'destroy'
  | 'reload'
  | 'save'
  | 'modify-save'
  | 'delete'
  | 'null'
  | 'touch'
  | 'reset-max-age'
  | 'set-max-age'
  | 'modify-redirect'
  | 'stream';

export const ACTIONS: readonly Action[] = [
  'none',
  'modify',
  'regenerate',
  'regenerate-modify',
  'destroy',
  'reload',
  'save',
  'modify-save',
  'delete',
  'null',
  'touch',
  'reset-max-age',
  'set-max-age',
  'modify-redirect',
  'stream',
];

/** What a handler reports about the request's session, free of clock noise beyond minutes. */
export function describeSession(req: any): unknown {
  const sess = req.session;
  if (!sess) return { session: sess === null ? null : 'absent', sessionID: req.sessionID ?? null };
  const cookie = sess.cookie;
  return {
    sessionID: req.sessionID,
    id: sess.id,
    keys: Object.keys(sess),
    views: sess.views ?? null,
    json: JSON.parse(JSON.stringify(sess)),
    cookie: cookie && {
      maxAge: typeof cookie.maxAge === 'number' ? `{~${Math.round(cookie.maxAge / 60_000)}m}` : cookie.maxAge,
      originalMaxAge: cookie.originalMaxAge,
      hasExpires: cookie.expires != null,
      secure: cookie.secure ?? null,
      sameSite: cookie.sameSite ?? null,
      httpOnly: cookie.httpOnly,
      path: cookie.path,
      keys: Object.keys(cookie),
    },
  };
}

function runAction(action: Action, req: any, res: any, next: (err?: unknown) => void): void {
  const reply = (extra?: Record<string, unknown>) => res.json({ action, ...extra, after: describeSession(req) });
  const done = (err?: unknown) => reply({ err: err ? String((err as Error).message) : null });
  const bump = () => {
    req.session.views = (req.session.views ?? 0) + 1;
  };
  switch (action) {
    case 'none':
      return reply();
    case 'modify':
      bump();
      return reply();
    case 'regenerate':
      return req.session.regenerate(done);
    case 'regenerate-modify':
      return req.session.regenerate((err: unknown) => {
        if (!err) bump();
        done(err);
      });
    case 'destroy':
      return req.session.destroy(done);
    case 'reload':
      req.session.scratch = 'unsaved';
      return req.session.reload(done);
    case 'save':
      return req.session.save(done);
    case 'modify-save':
      bump();
      return req.session.save(done);
    case 'delete':
      delete req.session;
      return reply();
    case 'null':
      req.session = null;
      return reply();
    case 'touch':
      req.session.touch();
      return reply();
    case 'reset-max-age':
      req.session.resetMaxAge();
      return reply();
    case 'set-max-age':
      req.session.cookie.maxAge = 120_000;
      return reply();
    case 'modify-redirect':
      bump();
      return res.redirect('/none');
    case 'stream':
      bump();
      res.setHeader('Content-Type', 'text/plain');
      res.write('part1;');
      res.end('part2');
      return;
    default:
      next(new Error('unknown action ' + String(action)));
  }
}

export interface AppOptions {
  pkg: SessionPackage;
  express: Express;
  /** Options for the session middleware; `store` is filled in from `storeKind` when absent. */
  sessionOptions: Record<string, unknown>;
  storeKind?: 'recording' | 'memory';
  recording?: RecordingStoreOptions;
  /** Runs before the session middleware (e.g. `app.set('trust proxy', true)`, fake cookie-parser). */
  configure?: (app: any) => void;
  /** Sessions put in the store before the first request, by ID. */
  seed?: Record<string, unknown>;
  /** Mounted before the action routes. */
  routes?: (app: any) => void;
}

/** Builds an Express app with the session middleware, `/:action` routes and a late-error reporter. */
export function buildApp(options: AppOptions): AppUnderTest {
  const app = options.express();
  const lateErrors: string[] = [];
  const sessionOptions = { ...options.sessionOptions };
  let store: any = sessionOptions.store;
  if (store === undefined) {
    store = options.storeKind === 'memory' ? new options.pkg.MemoryStore() : createRecordingStore(options.pkg, options.recording);
    sessionOptions.store = store;
  }
  for (const [sid, data] of Object.entries(options.seed ?? {})) {
    if (store.data instanceof Map) store.data.set(sid, JSON.stringify(data));
    else store.set(sid, data, () => {});
  }
  options.configure?.(app);
  app.use(options.pkg(sessionOptions as any));
  options.routes?.(app);
  const action = (req: any, res: any, next: any) => runAction(req.params.action as Action, req, res, next);
  app.all('/:action', action);
  app.all('/api/:action', action);
  app.use((err: any, _req: any, res: any, _next: any) => {
    if (res.headersSent) {
      lateErrors.push(String(err?.message ?? err));
      return;
    }
    // Message and status only: this package adds stable `code`s that express-session lacks (tested on their own).
    res.status(err?.status ?? 500).json({ error: String(err?.message ?? err) });
  });
  return {
    handler: app,
    lateErrors,
    store: store?.calls ? store : undefined,
    dump: dumpStore(store),
  };
}

/** Runs the same steps against both packages and returns both transcripts. */
export async function runBoth(
  build: (pkg: SessionPackage) => AppUnderTest,
  steps: readonly Step[],
  options?: RunOptions,
): Promise<{ reference: TranscriptLine[]; session: TranscriptLine[] }> {
  const ref = await runSteps(build(reference), steps, options);
  const ours = await runSteps(build(session), steps, options);
  return { reference: ref, session: ours };
}

/**
 * Asserts two transcripts are equal; on a mismatch the error names the first
 * differing request and field and prints both sides of it, which is what one
 * needs to chase a parity bug.
 */
export function assertSameTranscript(
  reference: readonly TranscriptLine[],
  ours: readonly TranscriptLine[],
  context: string,
  steps?: readonly Step[],
): void {
  const count = Math.max(reference.length, ours.length);
  for (let i = 0; i < count; i++) {
    const a = reference[i] as unknown as Record<string, unknown> | undefined;
    const b = ours[i] as unknown as Record<string, unknown> | undefined;
    for (const field of ['status', 'body', 'setCookie', 'calls', 'lateErrors', 'store']) {
      const ra = JSON.stringify(a?.[field], null, 1);
      const rb = JSON.stringify(b?.[field], null, 1);
      if (ra !== rb) {
        throw new Error(
          `${context}: request #${i} (${steps?.[i]?.path ?? '?'}) differs in ${field}\n` +
            `--- express-session:\n${ra}\n--- wasm-session:\n${rb}`,
        );
      }
    }
  }
}
