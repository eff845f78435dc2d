import { IncomingMessage, ServerResponse } from 'node:http';

/**
 * While the middleware holds a response the app has ended (the store has not
 * answered yet), the app must see what Node shows for an ended response:
 * header changes throw ERR_HTTP_HEADERS_SENT, a write fails with
 * ERR_STREAM_WRITE_AFTER_END (callback, then an 'error' event), a second end
 * changes nothing, and `headersSent` is true. Nothing has gone to the client
 * yet, so the middleware can still send the held bytes or fail the request;
 * it lifts the view first (`release`).
 *
 * The errors are Node's own: the calls are made on a response Node itself
 * has ended, so their codes, messages and argument checks are exactly
 * Node's.
 */

type Method = 'setHeader' | 'removeHeader' | 'appendHeader' | 'writeHead' | 'flushHeaders' | 'write';
const HELD_METHODS: readonly Method[] = ['setHeader', 'removeHeader', 'appendHeader', 'writeHead', 'flushHeaders', 'write'];
const HEADERS_SENT = 'headersSent';

type Callback = (err?: Error | null) => void;

let endedByNode: ServerResponse | undefined;

/** A response with no socket that Node has ended: its methods fail the way an ended response's do. */
function ended(): ServerResponse {
  if (endedByNode === undefined) {
    const req = new IncomingMessage(null as never);
    req.method = 'GET';
    endedByNode = new ServerResponse(req);
    // Its own write-after-end errors are re-emitted on the app's response; here they must go nowhere.
    endedByNode.on('error', () => undefined);
    endedByNode.end();
  }
  return endedByNode;
}

/** The app's write on an ended response: Node's argument checks and error, reported on the app's response. */
function writeAfterEnd(res: ServerResponse, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  if (typeof encoding === 'function') {
    callback = encoding;
    encoding = undefined;
  }
  const cb = typeof callback === 'function' ? (callback as Callback) : undefined;
  return ended().write(chunk as string, encoding as BufferEncoding, (err) => {
    if (res.destroyed) return;
    cb?.(err);
    if (err) res.emit('error', err);
  });
}

/** The app's second end: with data it is a write after end; without, a no-op whose callback learns the stream had finished. */
export function endWhileHeld(res: ServerResponse, args: unknown[]): ServerResponse {
  let [chunk, encoding, callback] = args;
  if (typeof chunk === 'function') {
    callback = chunk;
    chunk = undefined;
  } else if (typeof encoding === 'function') {
    callback = encoding;
    encoding = undefined;
  }
  if (chunk !== undefined && chunk !== null && chunk !== '') {
    writeAfterEnd(res, chunk, encoding, typeof callback === 'function' ? callback : () => undefined);
  } else if (typeof callback === 'function') {
    const cb = callback as Callback;
    res.once('finish', () => cb(alreadyFinished()));
  }
  return res;
}

/** Node's ERR_STREAM_ALREADY_FINISHED for end(callback) on an ended response. */
function alreadyFinished(): Error {
  return Object.assign(new Error('Cannot call end after a stream was finished'), { code: 'ERR_STREAM_ALREADY_FINISHED' });
}

/**
 * The held view without touching the response: Node's ServerResponse
 * methods that an ended response refuses are wrapped once, on the
 * prototype, and show the ended behaviour to the responses in `held`.
 * Adding and deleting seven own properties per held response (what `hold`
 * does) costs every later property access on it; the wrappers cost one
 * comparison while no response is held, and a WeakSet lookup while some
 * are. Shared through the symbol registry, like the response hooks, so two
 * copies of the package install them once and see each other's holds.
 */
interface HeldResponses {
  count: number;
  readonly set: WeakSet<object>;
  /** Whether the prototype's wrappers are installed (at the first hold, so a process that never holds keeps Node's own methods). */
  installed: boolean;
}
const HELD_KEY = Symbol.for('wasm-session.held-responses');
const registry = globalThis as { [HELD_KEY]?: HeldResponses };
const held: HeldResponses = (registry[HELD_KEY] ??= { count: 0, set: new WeakSet(), installed: false });

function isHeld(res: object): boolean {
  return held.count !== 0 && held.set.has(res);
}

/**
 * Whether the prototype's held view covers `res`: none of the methods it
 * wraps is shadowed on the way from `res` to ServerResponse.prototype.
 * Spelled out name by name: loads with fixed names stay monomorphic, where a
 * loop over the names measured ~3 µs per held response.
 */
export function heldViewReaches(res: ServerResponse): boolean {
  const proto = ServerResponse.prototype;
  return (
    res.setHeader === proto.setHeader &&
    res.removeHeader === proto.removeHeader &&
    res.appendHeader === proto.appendHeader &&
    res.writeHead === proto.writeHead &&
    res.flushHeaders === proto.flushHeaders &&
    res.write === proto.write &&
    !Object.prototype.hasOwnProperty.call(res, HEADERS_SENT)
  );
}

/** Shows `res` as ended through the prototype's wrappers (see heldViewReaches). */
export function holdOnPrototype(res: ServerResponse): void {
  if (!held.installed) installHeldView();
  if (held.set.has(res)) return;
  held.set.add(res);
  held.count++;
}

export function releaseOnPrototype(res: ServerResponse): void {
  if (!held.set.delete(res)) return;
  held.count--;
}

/** The app's writeHead on a response held through the prototype (the caller checked isHeldOnPrototype): Node's error for an ended response. */
export function heldWriteHead(args: unknown[]): unknown {
  return (ended().writeHead as (...a: unknown[]) => unknown)(...args);
}

export { isHeld as isHeldOnPrototype };

function installHeldView(): void {
  held.installed = true;
  const proto = ServerResponse.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const wrap = (name: Exclude<Method, 'writeHead'>, whileHeld: (res: ServerResponse, args: unknown[]) => unknown): void => {
    const original = proto[name];
    proto[name] = {
      [name](this: ServerResponse, ...args: unknown[]) {
        return isHeld(this) ? whileHeld(this, args) : original.apply(this, args);
      },
    }[name];
  };
  for (const name of ['setHeader', 'removeHeader', 'appendHeader'] as const) {
    wrap(name, (_res, args) => (ended()[name] as (...a: unknown[]) => unknown)(...args));
  }
  wrap('flushHeaders', () => undefined);
  wrap('write', (res, args) => writeAfterEnd(res, args[0], args[1], args[2]));
  const headersSent = lookupGetter(ServerResponse.prototype, HEADERS_SENT);
  Object.defineProperty(ServerResponse.prototype, HEADERS_SENT, {
    configurable: true,
    enumerable: false,
    get(this: ServerResponse) {
      return isHeld(this) || headersSent.call(this);
    },
  });
}

function lookupGetter(start: object, name: string): () => unknown {
  for (let proto: object | null = start; proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor?.get) return descriptor.get;
  }
  throw new Error(`wasm-session: ServerResponse has no ${name} getter`);
}

/** What `hold` replaced, to put back on release. */
export interface HeldView {
  readonly saved: ReadonlyArray<[PropertyKey, PropertyDescriptor | undefined]>;
}

/** Makes `res` look ended to the app until `release`. `end` is left to the caller's hook (endWhileHeld). */
export function hold(res: ServerResponse): HeldView {
  const saved: Array<[PropertyKey, PropertyDescriptor | undefined]> = [];
  const target = res as unknown as Record<PropertyKey, unknown>;
  for (const name of HELD_METHODS) {
    saved.push([name, Object.getOwnPropertyDescriptor(res, name)]);
    target[name] =
      name === 'write'
        ? (chunk: unknown, encoding?: unknown, callback?: unknown) => writeAfterEnd(res, chunk, encoding, callback)
        : name === 'flushHeaders'
          ? () => undefined
          : (...args: unknown[]) => (ended()[name] as (...a: unknown[]) => unknown)(...args);
  }
  saved.push([HEADERS_SENT, Object.getOwnPropertyDescriptor(res, HEADERS_SENT)]);
  Object.defineProperty(res, HEADERS_SENT, { configurable: true, enumerable: false, get: () => true });
  return { saved };
}

/** Puts back what `hold` replaced, so the middleware (or the app's error handler) works on the real response. */
export function release(res: ServerResponse, view: HeldView): void {
  for (const [name, descriptor] of view.saved) {
    if (descriptor === undefined) delete (res as unknown as Record<PropertyKey, unknown>)[name];
    else Object.defineProperty(res, name, descriptor);
  }
}
