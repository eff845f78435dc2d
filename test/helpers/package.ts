// The package under test, built, and express-session (the oracle), loaded as users load them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The built package, loaded the way users load it (`npm test` builds first). */
export const session = require('../..') as typeof import('../../src/index');

/** express-session itself: the oracle. */
export const reference = require('express-session') as typeof import('../../src/index');
