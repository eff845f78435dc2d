// A node:cluster server: `node cluster-server.mjs <workers> <contender>`.
// The primary forks the workers, which all serve the shared app on one port;
// an LmdbStore contender opens one directory in every worker, so they share
// the sessions. Speaks the same IPC protocol as server.mjs, summing the CPU
// time and requests of every process in the cluster.
import cluster from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contenderById } from '../lib/contenders.mjs';
import { waitForMessage } from '../lib/ipc.mjs';
import { answerParent, ownStats, serveContender } from './serve.mjs';

const [workerCount, contenderId] = process.argv.slice(2);
const contender = contenderById(contenderId);

if (cluster.isPrimary) {
  await runPrimary(Number(workerCount));
} else {
  await runWorker();
}

async function runPrimary(count) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`worker count must be a positive integer, got "${workerCount}"`);
  const lmdbDir = mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-cluster-'));
  const workers = [];
  const ports = [];
  for (let i = 0; i < count; i++) {
    const worker = cluster.fork({ BENCH_LMDB_DIR: lmdbDir });
    workers.push(worker);
    ports.push(new Promise((resolve) => worker.once('listening', (address) => resolve(address.port))));
  }
  const [port] = await Promise.all(ports);
  const askWorker = (worker) => {
    const reply = waitForMessage(worker, 'stats');
    worker.send({ type: 'stats' });
    return reply;
  };

  answerParent({
    async stats() {
      // The primary is counted too: it accepts every connection and hands it to a worker.
      const own = ownStats({ requests: 0 });
      const replies = await Promise.all(workers.map(askWorker));
      return replies.reduce((sum, r) => ({ cpuUs: sum.cpuUs + r.cpuUs, requests: sum.requests + r.requests }), own);
    },
    async close() {
      await Promise.all(
        workers.map((worker) => {
          const gone = new Promise((resolve) => worker.once('exit', resolve));
          worker.send({ type: 'close' });
          return gone;
        }),
      );
      rmSync(lmdbDir, { recursive: true, force: true });
    },
  });
  process.send({ type: 'listening', port });
}

async function runWorker() {
  // The primary learns the port from cluster's 'listening' event.
  await serveContender(contender.create({ lmdbDir: process.env.BENCH_LMDB_DIR }));
}
