'use strict';
// test/fixtures/lmdb/writer.js, held until the parent says 'go': `node lmdb-gated-writer.js <lmdb path> <prefix>`.
// The environment is opened first and { type: 'open' } reported, so that a test can have every process
// open before any of them writes (why: src/stores/lmdb/open-env.ts). writer.js's store then shares this
// process's environment: lmdb opens one path once per process.
const session = require('../..');

const [path] = process.argv.slice(2);
new session.LmdbStore({ path, sweepInterval: 0 });
process.on('message', (message) => {
  if (message === 'go') require('../fixtures/lmdb/writer.js');
});
process.send({ type: 'open' });
