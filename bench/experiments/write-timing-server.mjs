// The server side of write-timing.mjs: `node write-timing-server.mjs <sync|deferred> <scenario>`.
// "sync" is wasm-session with its MemoryStore as shipped; "deferred" is the
// same store whose fast-path writes report completion one setImmediate
// later, so the held response goes out in the check phase, together with the
// other connections' responses, as it does behind LmdbStore's commits.
import { loadBuiltPackage } from '../lib/packages.mjs';
import { scenarioById } from '../lib/scenarios.mjs';
import { serveContender } from '../e2e/serve.mjs';

const [variant, scenarioId] = process.argv.slice(2);
if (variant !== 'sync' && variant !== 'deferred') throw new TypeError(`variant must be sync or deferred, got ${variant}`);
scenarioById(scenarioId);

const session = loadBuiltPackage();
const store = new session.MemoryStore();
if (variant === 'deferred') {
  // The side door the middleware uses (src/stores/fast-store.ts); reached by its registered symbol.
  const fast = store[Symbol.for('wasm-session.fast-store')];
  for (const method of ['writeJSON', 'touch']) {
    const write = fast[method].bind(fast);
    fast[method] = (sid, json, expiresAt) => {
      write(sid, json, expiresAt);
      return new Promise((resolve) => setImmediate(resolve));
    };
  }
}
const middleware = session({ secret: 'bench secret', resave: false, saveUninitialized: false, store });
const port = await serveContender({ middleware, close: () => store.close() });
process.send({ type: 'listening', port });
