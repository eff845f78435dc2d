import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { parseWrkOutput, parseWrkTimeMs, wrkArgs } from '../bench/lib/wrk.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { parseAutocannonJson } from '../bench/lib/autocannon-result.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { clockTicksPerSecond, cpuTicksFromStat, cpuUsPerRequest } from '../bench/lib/proc-cpu.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { pinnedCommand } from '../bench/lib/pinning.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { contendersOfScenario, HTTP_SCENARIOS, serverKey, serversNeeded } from '../bench/lib/http-scenarios.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { allocatedBytes } from '../bench/lib/gc-accounting.mjs';
import { readFileSync } from 'node:fs';

const WRK_REPORT = `Running 1s test @ http://127.0.0.1:38123/modify
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.93ms    1.14ms  25.10ms   91.02%
    Req/Sec     8.41k   512.33     9.02k    80.00%
  Latency Distribution
     50%  812.00us
     75%    2.01ms
     90%    2.76ms
     99%    1.20s
  8412 requests in 1.00s, 2.10MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:   8405.17
Transfer/sec:      2.10MB
`;

describe('bench wrk helpers', () => {
  it('builds one pinned-style burst: one thread, the connections, whole seconds, the cookie as a header', () => {
    expect(wrkArgs({ url: 'http://127.0.0.1:1/read', connections: 16, durationS: 1, cookie: 'sid=abc' })).toEqual([
      '-t1', '-c16', '-d1s', '--latency', '-H', 'Cookie: sid=abc', 'http://127.0.0.1:1/read',
    ]);
    expect(wrkArgs({ url: 'http://127.0.0.1:1/modify', connections: 4, durationS: 3 })).not.toContain('-H');
  });

  it('refuses bursts wrk cannot run (fractions of a second, no connections)', () => {
    expect(() => wrkArgs({ url: 'u', connections: 16, durationS: 0.5 })).toThrow(TypeError);
    expect(() => wrkArgs({ url: 'u', connections: 0, durationS: 1 })).toThrow(TypeError);
  });

  it('reads the count, duration, percentiles and every kind of error from the report', () => {
    const result = parseWrkOutput(WRK_REPORT);
    expect(result.requests).toBe(8412);
    expect(result.durationS).toBe(1);
    expect(result.reqPerSec).toBe(8412);
    expect(result.p50Ms).toBeCloseTo(0.812, 10);
    expect(result.p99Ms).toBe(1200);
    expect(result.non2xx).toBe(3);
    expect(result.socketErrors).toBe(3);
  });

  it('counts no errors when wrk prints no error lines, and fails loudly on output it cannot read', () => {
    const clean = WRK_REPORT.replace(/ {2}Non-2xx.*\n/, '').replace(/ {2}Socket errors.*\n/, '');
    expect(parseWrkOutput(clean)).toMatchObject({ non2xx: 0, socketErrors: 0 });
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(/requests in/);
  });

  it('converts every time unit wrk prints', () => {
    expect(parseWrkTimeMs('250.00us')).toBeCloseTo(0.25, 10);
    expect(parseWrkTimeMs('3.5ms')).toBe(3.5);
    expect(parseWrkTimeMs('2s')).toBe(2000);
    expect(parseWrkTimeMs('1.5m')).toBe(90_000);
    expect(parseWrkTimeMs('fast')).toBeNaN();
  });

  it('reads autocannon -j reports into the same shape', () => {
    const json = JSON.stringify({ requests: { total: 5000 }, duration: 1.25, latency: { p50: 2, p99: 9 }, non2xx: 1, errors: 2, timeouts: 1 });
    expect(parseAutocannonJson(json)).toEqual({ requests: 5000, durationS: 1.25, reqPerSec: 4000, p50Ms: 2, p99Ms: 9, non2xx: 1, socketErrors: 3 });
    expect(() => parseAutocannonJson('Running 1s test')).toThrow(/no JSON/);
    expect(() => parseAutocannonJson('{}')).toThrow(/requests.total/);
  });
});

describe('bench CPU accounting', () => {
  // Field 2 (the command) may hold spaces and parentheses; utime and stime are fields 14 and 15.
  const stat = (comm: string, utime: number, stime: number) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194304 100 0 0 0 ${utime} ${stime} 0 0 20 0 7 0 12345 1000000 2000 18446744073709551615`;

  it('sums utime and stime, whatever the command name holds', () => {
    expect(cpuTicksFromStat(stat('node', 150, 25))).toBe(175);
    expect(cpuTicksFromStat(stat('odd) name (x', 7, 3))).toBe(10);
  });

  it('agrees with the kernel for this very process', () => {
    const ticks = cpuTicksFromStat(readFileSync('/proc/self/stat', 'utf8'));
    const { user, system } = process.cpuUsage();
    // process.cpuUsage is µs, ticks are 1/CLK_TCK s: the two readings agree within a few ticks.
    expect(Math.abs((ticks * 1e6) / clockTicksPerSecond() - (user + system))).toBeLessThan(50_000);
  });

  it('rejects text that is not a stat line', () => {
    expect(() => cpuTicksFromStat('no parentheses here')).toThrow();
    expect(() => cpuTicksFromStat('1 (node) S 1')).toThrow(/utime/);
  });

  it('divides the tick difference by the requests, in µs', () => {
    // 50 ticks at 100 per second = 0.5 s over 5,000 requests = 100 µs each.
    expect(cpuUsPerRequest(1000, 1050, 5000, 100)).toBe(100);
    expect(cpuUsPerRequest(1000, 1050, 0, 100)).toBeNaN();
  });

  it('prefixes taskset only when pinning is possible', () => {
    expect(pinnedCommand({ cpu: 1, command: 'wrk', args: ['-t1'], canPin: true })).toEqual({ command: 'taskset', args: ['-c', '1', 'wrk', '-t1'] });
    expect(pinnedCommand({ cpu: 1, command: 'wrk', args: ['-t1'], canPin: false })).toEqual({ command: 'wrk', args: ['-t1'] });
  });

  it('counts allocation as heap growth plus what each collection freed', () => {
    const gc = (before: number, after: number) => ({ beforeGC: { heapStatistics: { usedHeapSize: before } }, afterGC: { heapStatistics: { usedHeapSize: after } } });
    // Start 10 MB, grew to 18 MB, collected to 11, grew to 17, collected to 12, ends at 13: 8 + 6 + 1 = 15 MB allocated.
    expect(allocatedBytes(10e6, 13e6, [gc(18e6, 11e6), gc(17e6, 12e6)])).toBe(15e6);
    expect(allocatedBytes(10e6, 12e6, [])).toBe(2e6);
  });
});

describe('bench HTTP scenarios and servers', () => {
  const all = ['bare', 'express-session', 'memorystore', 'ours-memory', 'ours-lmdb'];

  it('measures LmdbStore in read-and-modify only, and only the issue\'s contenders', () => {
    const byId = (id: string) => HTTP_SCENARIOS.find((s: { id: string }) => s.id === id);
    expect(contendersOfScenario(byId('read-modify'), all)).toEqual(['bare', 'express-session', 'ours-memory', 'ours-lmdb']);
    expect(contendersOfScenario(byId('touch'), all)).toEqual(['bare', 'express-session', 'ours-memory']);
    expect(contendersOfScenario(byId('read-modify'), ['bare', 'express-session', 'ours-memory'])).not.toContain('ours-lmdb');
    // Both baselines also run behind the request/response normalization wasm-session applies.
    const withNormalized = ['bare', 'bare-normalized', 'express-session', 'express-session-normalized', 'ours-memory'];
    expect(contendersOfScenario(byId('touch'), withNormalized)).toEqual(withNormalized);
  });

  it('starts one server per contender and configuration, one for bare Express', () => {
    const keys = serversNeeded(HTTP_SCENARIOS, all).map((s: { key: string }) => s.key).sort();
    expect(keys).toEqual([
      'bare/default',
      'express-session/default', 'express-session/fresh', 'express-session/touch',
      'ours-lmdb/default',
      'ours-memory/default', 'ours-memory/fresh', 'ours-memory/touch',
    ]);
    expect(serverKey('bare', 'touch')).toBe('bare/default');
  });
});
