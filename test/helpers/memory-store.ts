import { afterEach } from 'vitest';
import { MemoryStore } from '../../src/stores/memory/memory-store';

export type MemoryStoreOptions = ConstructorParameters<typeof MemoryStore>[0];

/**
 * Call once at a test file's top level. Returns `fresh(options)`, which makes a
 * MemoryStore that is closed after the test, so no sweep timer outlives it.
 */
export function useFreshMemoryStores(): (options?: MemoryStoreOptions) => MemoryStore {
  const stores: MemoryStore[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
  });
  return (options) => {
    const store = new MemoryStore(options);
    stores.push(store);
    return store;
  };
}
