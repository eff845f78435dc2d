// Where the benchmark gets its code: the BUILT package (dist/, as users load
// it) and the reference packages from node_modules.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const requireFromRoot = createRequire(new URL('../../package.json', import.meta.url));

/** `require('wasm-session')` as a user would get it: package.json main → dist/index.js. */
export function loadBuiltPackage() {
  return requireFromRoot('./');
}
