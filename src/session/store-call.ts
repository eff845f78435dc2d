import { debug } from '../debug';
import { storeTimedOut } from '../errors';

export type StoreOperation = 'get' | 'set' | 'touch' | 'destroy';
type Answer = (err?: unknown, value?: unknown) => void;

/**
 * One call into a store, answered at most once. A store that calls back
 * twice would otherwise run the rest of the request twice (two next() calls,
 * two responses); a store that never calls back would hold the request
 * forever. `answer` is what the store is given: its first call wins, later
 * ones are dropped. With a timeout (the storeTimeout option), a store silent
 * for that long gets ERR_SESSION_STORE_TIMEOUT answered on its behalf, and
 * its late answer is dropped too.
 */
export class StoreCall {
  /** Whether the callback has run (by the store, or by the timeout). */
  settled = false;
  readonly answer: Answer;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor(operation: StoreOperation, timeoutMs: number, callback: Answer) {
    this.answer = (err, value) => {
      if (this.settled) {
        debug('ignored a late or repeated answer of store.%s', operation);
        return;
      }
      this.settled = true;
      if (this.timer !== undefined) clearTimeout(this.timer);
      callback(err, value);
    };
    if (timeoutMs > 0) {
      this.timer = setTimeout(() => {
        debug('store.%s timed out after %d ms', operation, timeoutMs);
        this.answer(storeTimedOut(operation, timeoutMs));
      }, timeoutMs);
      // The request's own socket keeps the process alive; the timer need not.
      this.timer.unref();
    }
  }

  /**
   * Runs `call` with the guarded answer. A store that throws before answering
   * is taken as having answered with that error. A throw after the answer
   * came from the code the answer ran (the app, once next() was called
   * synchronously) and is not the store's: it is rethrown as it would be
   * without this guard.
   */
  run(call: (answer: Answer) => void): void {
    try {
      call(this.answer);
    } catch (err) {
      if (this.settled) throw err;
      this.answer(err ?? new Error('session store threw'));
    }
  }
}
