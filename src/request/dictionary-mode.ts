/**
 * Puts a request's or response's own properties into V8's dictionary mode,
 * so that every property added to it from here on (ours, Express's
 * `req.route`, the app's) is a hash insert instead of a new hidden class.
 *
 * Why: Express's init re-parents each request and response
 * (`Object.setPrototypeOf(req, app.request)`, the same for `res`, then adds
 * `res.locals`). V8 gives a re-parented object a copy of its hidden class
 * that has no back pointer, a "detached" map, and records no transitions from
 * detached maps. So each property added to such an object builds a new map
 * and a new copy of its descriptor array, per request: microseconds each
 * (bench/experiments/request-props/dictionary-mode.cjs), and every request
 * and response then has hidden classes no other shares, which (we infer; it
 * is not measured on its own) leaves the property loads of Express and of
 * Node's http code on them megamorphic. In dictionary mode, the requests of
 * one app share one normalized hidden class, and its responses another, from
 * one full garbage collection to the next (which empties V8's cache of
 * normalized classes); a mounted sub-app re-parents them again, and each then
 * has its own. The
 * dictionary itself is garbage too: bytes per request do not fall, time does.
 *
 * Measured over pinned real HTTP (the bench app with this package built
 * three ways, wrk pinned, 15 interleaved rounds, 2026-12-07): over bare
 * Express, a route that never reads the session went from 0.84x without
 * this to 1.00x with the request normalized and 1.28x with request and
 * response; a read-and-modify route from 0.73x to 0.89x and 1.14x. Most of
 * that is Express's and Node's own cost on these objects, which is why the
 * bench also runs bare Express with only this normalization ("bare Express,
 * req/res normalized"): the session layer's own cost is measured from there.
 *
 * Adding a property and deleting it again does it: V8 normalizes an object
 * when a property is deleted that it cannot roll back (always the case on a
 * detached map). On an object that was never re-parented (plain `http`,
 * connect) the delete rolls back to the previous hidden class and nothing
 * changes. The symbol is private to this module; only a Proxy standing in
 * for the request or response (its set and deleteProperty traps) sees it.
 */
const NORMALIZE: unique symbol = Symbol('wasm-session.normalize');

export function toDictionaryMode(message: object): void {
  const target = message as { [NORMALIZE]?: number };
  target[NORMALIZE] = 0;
  delete target[NORMALIZE];
}
