// The Redis section's one redis-server: on a free loopback port, with no
// persistence (`--save '' --appendonly no`, the tests' helper), pinned to its
// core, and stopped at the end. Also reads its counter of read events for the runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRedisServer, freePort, spawnRedisServer } from '../../test/helpers/redis-process.mjs';
import { requireFromRoot } from '../lib/packages.mjs';
import { pinningAvailable, pinProcess } from '../lib/pinning.mjs';
import { readsProcessedOf } from '../lib/redis-round-trips.mjs';

/** Whether the section can run here; the runner skips it with a note otherwise. */
export const redisServerInstalled = () => findRedisServer() !== undefined;

/**
 * @param {{ cpu: number }} placement
 * @returns {Promise<{ url: string, pinned: boolean, readsProcessed: () => Promise<number>, stop: () => Promise<void> }>}
 */
export async function startBenchRedis({ cpu }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-bench-redis-'));
  const port = await freePort();
  let child;
  try {
    child = await spawnRedisServer(findRedisServer(), port, dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = `redis://127.0.0.1:${port}`;
  const pinned = pinningAvailable();
  if (pinned) pinProcess(child.pid, cpu);
  // The runner's own connection, for the counter only (redis-round-trips.mjs leaves its INFO calls out).
  const counters = requireFromRoot('redis').createClient({ url });
  counters.on('error', () => {}); // the server going away at stop() is expected
  await counters.connect();
  return {
    url,
    pinned,
    readsProcessed: async () => readsProcessedOf(await counters.info('stats')),
    async stop() {
      await counters.close().catch(() => {});
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
