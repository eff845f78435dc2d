'use strict';
// The demo server. `npm start` runs it on the default in-process MemoryStore;
// `npm start -- --workers N` runs it as a node:cluster of N processes that
// share one LmdbStore, so one browser session is served by all of them.
//
//   PORT=3000 (default)            port on 127.0.0.1
//   --workers N                    cluster of N processes on an LmdbStore
//   --store DIR                    LMDB directory (default: <tmp>/wasm-session-demo)
const cluster = require('node:cluster');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const session = require('..');
const { createDemoApp } = require('./app');

function readOptions() {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string' },
      store: { type: 'string' },
    },
  });
  const workers = values.workers === undefined ? 0 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 64) {
    throw new TypeError('--workers must be a whole number from 0 (no cluster) to 64');
  }
  const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('PORT must be a port number');
  return { workers, port, storePath: values.store || path.join(os.tmpdir(), 'wasm-session-demo') };
}

function listen(app, port, onListening) {
  const server = app.listen(port, '127.0.0.1', () => onListening(server));
  server.on('error', (err) => {
    console.error(`cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  });
  return server;
}

function runSingle({ port }) {
  const app = createDemoApp({ store: undefined, storeName: 'MemoryStore' });
  const server = listen(app, port, () => {
    console.log(`wasm-session demo (MemoryStore, pid ${process.pid}) on http://127.0.0.1:${server.address().port}/`);
    console.log('Press Ctrl-C to stop.');
  });
  const stop = () => {
    // Open keep-alive connections from a browser would hold close() up; the MemoryStore has nothing to flush.
    server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function runPrimary({ workers, port, storePath }) {
  console.log(`Starting ${workers} worker processes sharing the LmdbStore at ${storePath} …`);
  let listening = 0;
  let stopping = false;
  cluster.setupPrimary({ args: process.argv.slice(2) });
  for (let i = 0; i < workers; i++) cluster.fork({ DEMO_STORE_PATH: storePath, PORT: String(port) });
  cluster.on('listening', (worker, address) => {
    if (++listening === workers) {
      console.log(`wasm-session demo (cluster of ${workers}) on http://127.0.0.1:${address.port}/`);
      console.log('Reload the page: the process ID changes, the session does not. Press Ctrl-C to stop.');
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) console.error(`worker ${worker.process.pid} exited (${signal || code})`);
    if (Object.keys(cluster.workers).length === 0) process.exit(stopping ? 0 : 1);
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping workers …');
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function runWorker() {
  const store = new session.LmdbStore({ path: process.env.DEMO_STORE_PATH });
  const app = createDemoApp({ store, storeName: 'LmdbStore' });
  const server = listen(app, Number(process.env.PORT), () => {});
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.close();
    store.close(() => process.exit(0));
  };
  // Ctrl-C reaches the whole process group; the primary also sends SIGTERM.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function main() {
  if (cluster.isWorker) return runWorker();
  let options;
  try {
    options = readOptions();
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  if (options.workers > 0) runPrimary(options);
  else runSingle(options);
}

main();
