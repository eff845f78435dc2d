import type { StoreCallback } from '../types';

/**
 * Runs `work` and answers through the callback (once, asynchronously) when one
 * is given, through the returned promise otherwise.
 */
export function answer<T>(work: () => T | Promise<T>, callback: StoreCallback<T> | undefined): Promise<T> | undefined {
  let result: Promise<T>;
  try {
    result = Promise.resolve(work());
  } catch (err) {
    result = Promise.reject(err);
  }
  if (callback === undefined) return result;
  result.then(
    (value) => process.nextTick(callback, null, value),
    (err: unknown) => process.nextTick(callback, err),
  );
  return undefined;
}
