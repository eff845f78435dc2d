import { ServerResponse } from 'node:http';
import { trackerOf } from '../session/tracker-link';
import { heldWriteHead, isHeldOnPrototype } from './held-response';

/**
 * How the end of a response reaches the request's session state, without
 * giving every response hooks of its own.
 *
 * `end` and `writeHead` are hooked once, on Node's ServerResponse.prototype,
 * which every Express, connect and plain `http` response inherits (Express
 * re-parents responses under app.response in mounted sub-apps; that chain
 * still ends there). A hook finds the state through `res.req`, the request
 * Node links to every response, and passes straight through when that
 * request carries no state of ours. Wrapping two methods of every response
 * per request (on-headers and an own `res.end`) measured ~15 µs a request;
 * the check here is two property loads.
 *
 * A response whose `end` or `writeHead` is already its own (compression,
 * on-headers users such as morgan, installed before us) or that does not
 * inherit the hooks gets own wrappers instead, as express-session would
 * install: ours then run before theirs, in the same order as under the
 * reference. A wrapper installed after us calls the inherited hook, which is
 * the order the reference's wrappers would have too.
 */

type EndArgs = unknown[];
type Method = (this: ServerResponse, ...args: unknown[]) => unknown;

/** What a response's session state offers the hooks. */
export interface ResponseHookTarget {
  readonly res: ServerResponse;
  /** True while the prototype hooks serve this response; false when it has own wrappers. */
  readonly viaPrototype: boolean;
  /** Set once the headers listener ran (on-headers fires once per response). */
  headersSeen: boolean;
  beforeHeaders(): void;
  end(args: EndArgs): unknown;
}

export interface InstalledHooks {
  readonly end: Method;
  readonly writeHead: Method;
  readonly originalEnd: Method;
  readonly originalWriteHead: Method;
}

const INSTALLED: unique symbol = Symbol.for('wasm-session.response-hooks');

function targetOf(res: ServerResponse): ResponseHookTarget | undefined {
  const target = trackerOf((res as { req?: object }).req) as ResponseHookTarget | undefined;
  return target !== undefined && target.viaPrototype === true && target.res === res ? target : undefined;
}

/** Installs the prototype hooks once per process and returns them. */
export function installResponseHooks(): InstalledHooks {
  const proto = ServerResponse.prototype as unknown as Record<PropertyKey, unknown>;
  const existing = proto[INSTALLED] as InstalledHooks | undefined;
  if (existing !== undefined) return existing;
  const originalEnd = proto.end as Method;
  const originalWriteHead = proto.writeHead as Method;
  const hooks: InstalledHooks = {
    originalEnd,
    originalWriteHead,
    end: function end(this: ServerResponse, ...args: unknown[]) {
      const target = targetOf(this);
      return target === undefined ? originalEnd.apply(this, args) : target.end(args);
    },
    writeHead: function writeHead(this: ServerResponse, ...args: unknown[]) {
      // An ended response the middleware still holds refuses new headers, as Node's own ended response does.
      if (isHeldOnPrototype(this)) return heldWriteHead(args);
      const target = targetOf(this);
      return target === undefined || target.headersSeen
        ? originalWriteHead.apply(this, args)
        : writeHeadWithListener(this, target, originalWriteHead, args);
    },
  };
  Object.defineProperty(proto, 'end', { value: hooks.end, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(proto, 'writeHead', { value: hooks.writeHead, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(proto, INSTALLED, { value: hooks });
  return hooks;
}

/** Whether the prototype hooks reach `res` (no own end/writeHead in front of them). */
export function prototypeHooksReach(res: ServerResponse, hooks: InstalledHooks): boolean {
  return res.end === hooks.end && res.writeHead === hooks.writeHead;
}

/** Own wrappers for a response the prototype hooks do not reach; returns the end they wrap. */
export function wrapResponse(res: ServerResponse, target: ResponseHookTarget): Method {
  const previousEnd = res.end as unknown as Method;
  const previousWriteHead = res.writeHead as unknown as Method;
  res.writeHead = function writeHead(this: ServerResponse, ...args: unknown[]) {
    return target.headersSeen ? previousWriteHead.apply(this, args) : writeHeadWithListener(this, target, previousWriteHead, args);
  } as ServerResponse['writeHead'];
  res.end = ((...args: unknown[]) => target.end(args)) as ServerResponse['end'];
  return previousEnd;
}

/**
 * writeHead with the headers listener run first, as on-headers does: headers
 * passed to writeHead are set on the response before the listener runs (so
 * a Set-Cookie the listener appends is not replaced by Node merging them
 * afterwards), and a status code the listener changed is passed on.
 */
function writeHeadWithListener(res: ServerResponse, target: ResponseHookTarget, writeHead: Method, args: unknown[]): unknown {
  if (args.length === 1) {
    // The common call, Node's own from end() or write(): a status code and nothing to merge.
    res.statusCode = args[0] as number;
    target.headersSeen = true;
    target.beforeHeaders();
    return writeHead.call(res, res.statusCode);
  }
  const headerIndex = args.length > 1 && typeof args[1] === 'string' ? 2 : 1;
  const headers = args.length >= headerIndex + 1 ? args[headerIndex] : undefined;
  res.statusCode = args[0] as number;
  if (Array.isArray(headers)) setHeadersFromArray(res, headers);
  else if (headers) setHeadersFromObject(res, headers as Record<string, unknown>);
  const passed = args.slice(0, Math.min(args.length, headerIndex));
  target.headersSeen = true;
  target.beforeHeaders();
  if (typeof passed[0] === 'number' && res.statusCode !== passed[0]) {
    passed[0] = res.statusCode;
    passed.length = 1;
  }
  return writeHead.apply(res, passed);
}

function setHeadersFromObject(res: ServerResponse, headers: Record<string, unknown>): void {
  for (const key of Object.keys(headers)) if (key) res.setHeader(key, headers[key] as string);
}

function setHeadersFromArray(res: ServerResponse, headers: unknown[]): void {
  if (headers.length && Array.isArray(headers[0])) {
    for (const pair of headers as unknown[][]) if (pair[0]) res.setHeader(pair[0] as string, pair[1] as string);
    return;
  }
  if (headers.length % 2 !== 0) throw new TypeError('headers array is malformed');
  // A flat list may name one header several times: each occurrence is appended.
  for (let i = 0; i < headers.length; i += 2) res.removeHeader(headers[i] as string);
  for (let i = 0; i < headers.length; i += 2) {
    const key = headers[i] as string;
    if (key) res.appendHeader(key, headers[i + 1] as string);
  }
}
