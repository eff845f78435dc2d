import { redisUnavailable, type SessionError } from '../../errors';
import type { RedisCommands } from './client';

/**
 * Keeps every store call answered, and answered once, whatever Redis does.
 *
 * node-redis queues commands while it reconnects and sends them once Redis
 * is back, which could hold a request for as long as Redis stays down. So a
 * call fails at once with ERR_SESSION_STORE_UNAVAILABLE while a client that
 * has been ready is not (down, restarting), and any call fails after
 * `timeout` ms (a slow or wedged Redis). A client still connecting when the
 * store was made gets its queue until it is first ready, within the timeout.
 * Redis's own errors are wrapped in the same code, with the original as cause.
 */
export class RedisGuard {
  private everReady: boolean;

  constructor(
    private readonly client: RedisCommands,
    private readonly timeout: number,
  ) {
    this.everReady = isReady(client);
    if (!this.everReady) client.on('ready', () => (this.everReady = true));
  }

  /**
   * Runs `work` under the rules above; `operation` names it in the error
   * ("get session", "save session"). `bounded: false` for walks over every
   * session (all, ids, length, clear), whose time grows with the data and
   * which no request waits for: they still fail at once while Redis is down.
   */
  run<T>(operation: string, work: () => Promise<T>, bounded = true): Promise<T> {
    if (this.everReady && !isReady(this.client)) return Promise.reject(redisUnavailable(operation, new Error('the client is not connected')));
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (err) {
      return Promise.reject(wrap(operation, err));
    }
    const guarded = pending.catch((err: unknown) => {
      throw wrap(operation, err);
    });
    if (this.timeout === 0 || !bounded) return guarded;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(redisUnavailable(operation, undefined, this.timeout)), this.timeout);
      // The request's own socket keeps the process alive; this timer need not.
      timer.unref();
      guarded.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }
}

function isReady(client: RedisCommands): boolean {
  return client.isReady ?? client.isOpen;
}

/** Our own coded errors (a corrupt entry, a contended save, a bad ID) pass as they are; anything else is Redis failing. */
function wrap(operation: string, err: unknown): unknown {
  const code = (err as Partial<SessionError> | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_SESSION_') ? err : redisUnavailable(operation, err);
}
