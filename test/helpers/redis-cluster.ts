// A throwaway 3-master Redis Cluster on loopback ports, made by redis-server and `redis-cli --cluster create`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-process.mjs';
import { redisServerBinary } from './redis-server';

const run = promisify(execFile);

export interface RedisCluster {
  readonly ports: number[];
  close(): Promise<void>;
}

/** redis-cli beside redis-server (the Debian package installs both). */
function redisCli(): string {
  return path.join(path.dirname(redisServerBinary!), 'redis-cli');
}

function startNode(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000', '--logfile', ''];
  const child = spawn(redisServerBinary!, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`cluster node exited with ${code}:\n${output}`)));
  });
}

async function clusterIsOk(port: number): Promise<boolean> {
  const { stdout } = await run(redisCli(), ['-p', String(port), 'cluster', 'info']);
  return stdout.includes('cluster_state:ok');
}

/** Starts three masters, joins them with every slot assigned, and waits until each node reports the cluster ok. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wasm-session-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes = await Promise.all(ports.map((port) => startNode(port, dir)));
  const close = async () => {
    await Promise.all(
      nodes.map((node) => new Promise<void>((resolve) => {
        if (node.exitCode !== null || node.signalCode !== null) return resolve();
        node.once('exit', () => resolve());
        node.kill('SIGTERM');
      })),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await run(redisCli(), ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (let i = 0; !(await Promise.all(ports.map(clusterIsOk))).every(Boolean); i++) {
      if (i > 100) throw new Error('the cluster did not reach cluster_state:ok');
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { ports, close };
}
