// A full collection between measurements, so garbage one contender left behind
// is not collected on the next contender's time. Works without --expose-gc.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = globalThis.gc ?? runInNewContext('gc');

export function collectGarbage() {
  gc();
}
