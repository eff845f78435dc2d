/**
 * Puts the request's own properties into V8's dictionary mode before this
 * middleware adds its own, so that every property added to it from here on
 * (ours, Express's `req.route`, the app's) is a hash insert instead of a new
 * hidden class.
 *
 * Why: Express's init re-parents each request (`Object.setPrototypeOf(req,
 * app.request)`). V8 gives the re-parented object a copy of its hidden class
 * that has no back pointer, a "detached" map, and V8 records no transitions
 * from detached maps. So each property added to such a request builds a new
 * map and a new copy of its descriptor array, per request: about 1.5 kB of
 * garbage and microseconds each (bench/experiments/request-props/
 * reparent-cost.cjs), and every request reaching the router with hidden
 * classes no other request shares leaves Express's property loads
 * megamorphic. In dictionary mode, requests share one normalized hidden
 * class. Measured over pinned real HTTP (bench/experiments/request-props/
 * lazy.cjs with driver.mjs, variant `dict` against `props`): the untouched
 * route with our two properties went from 0.94x to 1.22x of bare Express.
 *
 * Adding a property and deleting it again does it: V8 normalizes an object
 * when a property is deleted that it cannot roll back (always the case on a
 * detached map). On a request that was never re-parented (plain `http`,
 * connect) the delete rolls back to the previous hidden class and nothing
 * changes. The symbol is private to this module, so nobody can observe it.
 */
const NORMALIZE: unique symbol = Symbol('wasm-session.normalize');

export function toDictionaryMode(req: object): void {
  const target = req as { [NORMALIZE]?: number };
  target[NORMALIZE] = 0;
  delete target[NORMALIZE];
}
