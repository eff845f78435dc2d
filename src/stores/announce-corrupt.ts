import type { EventEmitter } from 'node:events';
import { debug } from '../debug';
import { sidPrefix, type SessionError } from '../errors';

/**
 * What one of our stores does after it removed a corrupt entry: a debug line
 * and a `'corrupt'` event with the ID's first characters and the error. The
 * event is emitted on the next tick and is not `'error'`, so a store nobody
 * listens to goes on, and a throwing listener cannot fail the request that
 * met the entry.
 */
export function announceCorrupt(store: EventEmitter, err: SessionError): void {
  const sid = sidPrefix(err.sid ?? '');
  debug('removed corrupt session %s: %s', sid, err.message);
  process.nextTick(() => store.emit('corrupt', { sid, error: err }));
}
