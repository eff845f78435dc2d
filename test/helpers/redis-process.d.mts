import type { ChildProcess } from 'node:child_process';

export function findRedisServer(): string | undefined;
export function freePort(): Promise<number>;
export function spawnRedisServer(binary: string, port: number, dir: string): Promise<ChildProcess>;
