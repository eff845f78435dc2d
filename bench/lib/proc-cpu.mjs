// A process's CPU time from /proc/<pid>/stat, read from outside the process,
// so measuring a server costs it nothing (no IPC turn inside the burst).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * utime + stime (fields 14 and 15) in clock ticks. The command name (field 2)
 * is in parentheses and may itself contain spaces and ')', so fields are
 * counted from the last ')'.
 * @param {string} statLine the content of /proc/<pid>/stat
 */
export function cpuTicksFromStat(statLine) {
  const end = statLine.lastIndexOf(')');
  if (end < 0) throw new Error(`not a /proc/<pid>/stat line: ${statLine.slice(0, 80)}`);
  // After ')' come field 3 (state), 4, ...: utime is field 14, i.e. index 11 here.
  const fields = statLine.slice(end + 2).trim().split(/\s+/);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`no utime/stime in: ${statLine.slice(0, 120)}`);
  return utime + stime;
}

/**
 * CPU µs per request between two readings, or NaN when nothing was served.
 * @param {number} ticksBefore @param {number} ticksAfter @param {number} requests @param {number} ticksPerSecond
 */
export function cpuUsPerRequest(ticksBefore, ticksAfter, requests, ticksPerSecond) {
  if (!(requests > 0) || !(ticksPerSecond > 0)) return NaN;
  return ((ticksAfter - ticksBefore) * 1e6) / ticksPerSecond / requests;
}

let ticksPerSecond;
/** The kernel's clock ticks per second (USER_HZ), 100 on almost every Linux. */
export function clockTicksPerSecond() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Whether this system has /proc/<pid>/stat (Linux); elsewhere the caller asks the process itself. */
export function procStatAvailable() {
  try {
    cpuTicksFromStat(readFileSync('/proc/self/stat', 'utf8'));
    return true;
  } catch {
    return false;
  }
}

/** CPU ticks of `pid` so far. */
export function readCpuTicks(pid) {
  return cpuTicksFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
