/**
 * The object on `obj`'s prototype chain (`obj` itself included) that owns
 * the property `name`, or null when none does: how the package tells a
 * store's own method from one it inherits.
 */
function methodOwner(obj: object, name: string): object | null {
  let proto: object | null = obj;
  while (proto !== null && !Object.prototype.hasOwnProperty.call(proto, name)) proto = Object.getPrototypeOf(proto);
  return proto;
}

const BASE_STORE_METHODS = ['regenerate', 'load', 'createSession'];

/**
 * Whether `name` comes from a base Store prototype: ours, or express-session's
 * when a store subclasses it (as connect-redis does). Recognised by shape, a
 * prototype of a constructor named Store defining regenerate, load and
 * createSession, so that this file needs neither base class.
 */
export function isBaseStoreMethod(store: object, name: string): boolean {
  const owner = methodOwner(store, name) as Record<string, unknown> | null;
  if (owner === null || owner === store) return false;
  return (
    typeof owner.constructor === 'function' &&
    owner.constructor.name === 'Store' &&
    BASE_STORE_METHODS.every((m) => Object.prototype.hasOwnProperty.call(owner, m))
  );
}
