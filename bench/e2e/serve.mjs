// Serving side of the real-HTTP benchmark, shared by the single-process and
// the cluster server: listen on 127.0.0.1 port 0, count requests, and answer
// the runner's questions over the IPC channel.
import { createServer } from 'node:http';

/** Listens on an ephemeral loopback port; resolves with the server, its port and a request counter. */
export function listen(app) {
  const server = createServer(app);
  const counter = { requests: 0 };
  server.on('request', () => {
    counter.requests++;
  });
  // Connections stay open across autocannon runs; do not let them pin a closing server.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, counter }));
  });
}

/** This process's CPU time so far (user + system, µs) and the requests it has served. */
export function ownStats(counter) {
  const cpu = process.cpuUsage();
  return { cpuUs: cpu.user + cpu.system, requests: counter.requests };
}

/** The runner sends { type: 'stats' } and { type: 'close' }; everything else is ignored. */
export function answerRunner({ stats, close }) {
  process.on('message', async (message) => {
    if (message?.type === 'stats') process.send({ type: 'stats', ...(await stats()) });
    if (message?.type === 'close') {
      await close();
      process.exit(0);
    }
  });
  // The runner died: do not linger as an orphan holding a port.
  process.on('disconnect', () => process.exit(0));
}
