// Starting a throwaway redis-server: shared by the Redis tests (redis-server.ts) and bench/inprocess/redis.mjs.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** `REDIS_SERVER` overrides the binary; otherwise the first `redis-server` on PATH, or undefined. */
export function findRedisServer() {
  const override = process.env.REDIS_SERVER;
  const candidates = override
    ? [override]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'redis-server'));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

/** A port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Spawns redis-server on 127.0.0.1:`port` in `dir`, with no automatic
 * persistence, and resolves with the child once it accepts connections;
 * rejects with its output if it exits first.
 */
export function spawnRedisServer(binary, port, dir) {
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--logfile', '',
  ];
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout.off('data', onData);
        child.off('exit', onExit);
        // Keep draining so a full pipe never blocks the server.
        child.stdout.resume();
        resolve(child);
      }
    };
    const onExit = (code) => {
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.once('exit', onExit);
    child.once('error', reject);
  });
}
