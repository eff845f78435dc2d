import { StoreCall, type StoreOperation } from '../session/store-call';
import { WAITING, type FastStoreAccess, type FastWriteResult, type WriteWaiter } from '../stores/fast-store';

type Done = (err?: unknown) => void;

/** Our stores' three writes at the end of a response. */
export type FastOperation = 'writeJSON' | 'touch' | 'destroy';

/** Who is told the outcome of a write: the request's state, once. */
export interface CommitTarget extends WriteWaiter {
  /** The storeTimeout option; above 0 a write is bounded by a timer, which the waiter road does not have. */
  readonly storeTimeout: number;
}

/**
 * The one write path of the end of a response. Each function runs one store
 * write and returns true when the store already answered (the target was
 * told), false when it will be told later, which is when the caller holds
 * the response.
 *
 * Our stores answer in one of three ways: at once (MemoryStore), through the
 * waiter (LmdbStore's group commit tells the request state itself, so a
 * waiting write costs no promise and no closure), or, when storeTimeout needs
 * a timer around the write, with a promise. Foreign stores answer through the
 * callback API, guarded by StoreCall (one answer only, within storeTimeout).
 */
export function commitFast(
  target: CommitTarget,
  fast: FastStoreAccess,
  operation: FastOperation,
  sid: string,
  json: string,
  expiresAt: number,
  baseData: string | undefined,
): boolean {
  const waiter = target.storeTimeout > 0 ? undefined : target;
  let result: FastWriteResult;
  try {
    result =
      operation === 'destroy'
        ? fast.destroy(sid, waiter)
        : operation === 'writeJSON'
          ? fast.writeJSON(sid, json, expiresAt, baseData, waiter)
          : fast.touch(sid, json, expiresAt, waiter);
  } catch (err) {
    target.written(err);
    return true;
  }
  if (result === WAITING) return false;
  if (result instanceof Promise) {
    const call = new StoreCall(operation === 'writeJSON' ? 'set' : operation, target.storeTimeout, (err) => target.written(err));
    result.then(
      () => call.answer(),
      (err: unknown) => call.answer(err ?? new Error('store write failed')),
    );
    return false;
  }
  target.written(undefined);
  return true;
}

/**
 * A callback-style store write. A store that throws instead of calling back
 * is taken as one that failed, so the response still goes out
 * (express-session would let the throw escape `res.end` and leave the
 * response hanging); one that calls back twice is heard once.
 */
export function commitWithCallback(target: CommitTarget, operation: StoreOperation, write: (cb: Done) => void): boolean {
  const call = new StoreCall(operation, target.storeTimeout, (err) => target.written(err));
  call.run(write);
  return call.settled;
}
