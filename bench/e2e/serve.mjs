// Serving side of the real-HTTP benchmark, shared by the single-process and
// the cluster server: listen on 127.0.0.1 port 0, count requests, and answer
// the runner's questions over the IPC channel.
import { createServer } from 'node:http';
import { createBenchApp } from '../lib/app.mjs';

/**
 * Serves the shared app with one contender's middleware and answers
 * { type: 'stats' } / { type: 'close' } from the parent process.
 * @param {import('../lib/contenders.mjs').ContenderInstance} instance
 * @returns {Promise<number>} the port
 */
export async function serveContender(instance) {
  const server = createServer(createBenchApp(instance.middleware));
  const counter = { requests: 0 };
  server.on('request', () => {
    counter.requests++;
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  answerParent({
    stats: () => ownStats(counter),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await instance.close();
    },
  });
  return server.address().port;
}

/** This process's CPU time so far (user + system, µs) and the requests it has served. */
export function ownStats(counter) {
  const cpu = process.cpuUsage();
  return { cpuUs: cpu.user + cpu.system, requests: counter.requests };
}

/** The parent sends { type: 'stats' } and { type: 'close' }; everything else is ignored. */
export function answerParent({ stats, close }) {
  process.on('message', async (message) => {
    if (message?.type === 'stats') process.send({ type: 'stats', ...(await stats()) });
    if (message?.type === 'close') {
      await close();
      process.exit(0);
    }
  });
  // The parent died: do not linger as an orphan holding a port.
  process.on('disconnect', () => process.exit(0));
}
