// A throwaway redis-server per suite (spawned by redis-process.mjs) that can be stopped and restarted to play an outage.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll } from 'vitest';
import { findRedisServer, freePort, spawnRedisServer } from './redis-process.mjs';

export const redisServerBinary = findRedisServer();

/**
 * Skip the Redis suites on a developer machine without redis-server, but
 * never in CI: there the suites run and `startRedisServer` fails loudly.
 */
export const skipWithoutRedis = redisServerBinary === undefined && !process.env.CI;

if (skipWithoutRedis) {
  console.warn(
    '[redis tests] SKIPPED: redis-server was not found on PATH. Install it (Debian: apt-get install redis-server) ' +
      'or point REDIS_SERVER at the binary. With CI set, a missing redis-server fails these tests instead.',
  );
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The server's working dir; `stop({ save: true })` leaves dump.rdb here for the next start. */
  readonly dir: string;
  readonly running: boolean;
  /** Starts the server again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Stops the server. `save: true` writes a snapshot first, so the next start reloads the data. */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Stops the server and removes its dir. */
  close(): Promise<void>;
}

function missingServerError(): Error {
  const err = new Error(
    'redis-server is required for the Redis tests but was not found on PATH (CI is set, so they fail rather than skip). ' +
      'Install the Debian package redis-server or set REDIS_SERVER.',
  );
  (err as Error & { code: string }).code = 'ERR_TEST_REDIS_SERVER_MISSING';
  return err;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts a redis-server on a free port; retries with another port if the chosen one was taken meanwhile. */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = redisServerBinary;
  if (binary === undefined) throw missingServerError();
  const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-redis-'));

  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await spawnRedisServer(binary, port, dir);
    } catch (err) {
      if (attempt >= 4) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let current: ChildProcess | undefined = child;
  const stop = async (options: { save?: boolean } = {}): Promise<void> => {
    const running = current;
    if (running === undefined) return;
    current = undefined;
    const exited = waitForExit(running);
    if (options.save) {
      // SIGTERM skips the snapshot under `--save ''`; ask for one explicitly.
      await runCommand(port, ['SHUTDOWN', 'SAVE']).catch(() => running.kill('SIGTERM'));
    } else {
      running.kill('SIGTERM');
    }
    await exited;
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get running() {
      return current !== undefined;
    },
    async start() {
      if (current !== undefined) return;
      current = await spawnRedisServer(binary, port, dir);
    },
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends one command in RESP without a client library (used for SHUTDOWN, which never replies). */
async function runCommand(port: number, words: string[]): Promise<void> {
  const payload = `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`;
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(payload));
    socket.on('error', reject);
    socket.on('close', () => resolve());
    socket.resume();
  });
}

export type RedisClient = ReturnType<typeof createClient>;

export interface SuiteRedis {
  /** Set in beforeAll. */
  readonly server: RedisServer;
  /** A connected client; its socket errors during outages are swallowed, the tests look at results instead. */
  readonly client: RedisClient;
}

/** For a describe block: a fresh redis-server and a connected client before its tests, both gone after. */
export function redisForSuite(): SuiteRedis {
  const suite = {} as { server: RedisServer; client: RedisClient };
  beforeAll(async () => {
    suite.server = await startRedisServer();
    suite.client = createClient({ url: suite.server.url });
    suite.client.on('error', () => {});
    await suite.client.connect();
  });
  afterAll(async () => {
    suite.client?.destroy();
    await suite.server?.close();
  });
  return suite;
}

/**
 * A store's own client and a second one to pause Redis with (CLIENT PAUSE
 * holds every client but the one that sent it), both connected, their
 * socket errors swallowed; `destroy` closes both.
 */
export async function clientAndPauser(url: string): Promise<{ client: RedisClient; pauser: RedisClient; destroy(): void }> {
  const client = createClient({ url });
  const pauser = createClient({ url });
  for (const c of [client, pauser]) c.on('error', () => {});
  await Promise.all([client.connect(), pauser.connect()]);
  return {
    client,
    pauser,
    destroy() {
      client.destroy();
      pauser.destroy();
    },
  };
}
