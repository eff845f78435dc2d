// Pinning the server and the load generator to a core each (taskset), so they
// never compete for one core and per-request CPU is the server's own.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The cores the pinned HTTP section uses: the server on one, the load generator on the other. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;
/** The Redis section's redis-server shares the load generator's core, so the server's core stays its own. */
export const REDIS_CPU = LOAD_CPU;

/**
 * `command args` prefixed with `taskset -c cpu` when pinning is possible.
 * @param {{ cpu: number, command: string, args: string[], canPin: boolean }} plan
 * @returns {{ command: string, args: string[] }}
 */
export function pinnedCommand({ cpu, command, args, canPin }) {
  return canPin ? { command: 'taskset', args: ['-c', String(cpu), command, ...args] } : { command, args };
}

/** Pins a running process (`taskset -cp`), for servers that are not started through pinnedCommand. */
export function pinProcess(pid, cpu) {
  execFileSync('taskset', ['-cp', String(cpu), String(pid)], { stdio: 'ignore' });
}

let canPin;
/** taskset exists and the machine has both cores this section pins to. */
export function pinningAvailable() {
  if (canPin === undefined) canPin = os.cpus().length > Math.max(SERVER_CPU, LOAD_CPU) && commandExists('taskset');
  return canPin;
}

/** Whether `name` is on the PATH (the shell's `command -v`). */
export function commandExists(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
