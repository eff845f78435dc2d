import type { Store } from '../session/store';
import { fastAccessOf, fastStoreMethodsOf, type FastStoreAccess } from '../stores/fast-store';

/**
 * Whether a request may use the store's synchronous side door: only while
 * the store's get/set/touch/destroy are still the ones its class (our
 * MemoryStore or LmdbStore) defined. A wrapper on the instance or the
 * prototype, or a subclass override, must see every call, as under
 * express-session, so such a store is driven through its callbacks. Checked
 * on every use with four identity comparisons, so a wrapper installed or
 * removed at any time counts from the next store call on.
 */
export class FastPath {
  private constructor(
    private readonly store: Store,
    private readonly access: FastStoreAccess,
    private readonly get: unknown,
    private readonly set: unknown,
    private readonly touch: unknown,
    private readonly destroy: unknown,
  ) {}

  /** Undefined for a store without a side door (every foreign store). */
  static of(store: Store): FastPath | undefined {
    const access = fastAccessOf(store);
    const methods = fastStoreMethodsOf(store);
    if (access === undefined || methods === undefined) return undefined;
    return new FastPath(store, access, methods.get, methods.set, methods.touch, methods.destroy);
  }

  /** The side door, or undefined while any of the four methods is not its class's own. */
  current(): FastStoreAccess | undefined {
    const store = this.store;
    return store.get === this.get && store.set === this.set && store.touch === this.touch && store.destroy === this.destroy
      ? this.access
      : undefined;
  }
}
