/**
 * The Redis section's pure parts (bench/lib/redis-*.mjs and its targets):
 * which scenarios and contenders it measures, which servers it starts, how
 * round trips are read from redis-server's counter, and issue 21's targets.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { contenderById, REDIS_CONTENDERS, REDIS_REFERENCE_ID } from '../bench/lib/contenders.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { serversNeeded } from '../bench/lib/http-scenarios.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { redisContendersOfScenario, REDIS_SCENARIOS } from '../bench/lib/redis-scenarios.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { NEAR_CACHE } from '../bench/lib/redis-stores.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { readsProcessedOf, roundTripsPerRequest } from '../bench/lib/redis-round-trips.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { renderRedisOverview } from '../bench/lib/redis-report.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { summariseLoad } from '../bench/lib/e2e-summary.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { evaluateTargets, roundTripGoal } from '../bench/lib/targets.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { renderTargetsTable } from '../bench/lib/report.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { parseBenchArgs } from '../bench/lib/args.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { loadSettings } from '../bench/lib/load-settings.mjs';

const ALL = ['bare', 'bare-normalized', 'express-session-redis', 'ours-connect-redis', 'ours-redis', 'ours-redis-cache'];
const ids = (list: Array<{ id: string }>) => list.map((item) => item.id);

describe('bench Redis section: scenarios, contenders and servers', () => {
  it('measures the issue\'s three request shapes, touch on the maxAge server', () => {
    expect(ids(REDIS_SCENARIOS)).toEqual(['read-modify', 'read-only', 'touch']);
    expect(REDIS_SCENARIOS.map((s: { config: string }) => s.config)).toEqual(['default', 'default', 'touch']);
  });

  it('compares connect-redis under both middlewares with RedisStore, plain and with the 10 000-entry near-cache, and bare Express, plain and normalized, as the ceiling', () => {
    expect(ids(REDIS_CONTENDERS)).toEqual(ALL);
    expect(REDIS_REFERENCE_ID).toBe('express-session-redis');
    expect(contenderById('express-session-redis').title).toBe('express-session + connect-redis');
    expect(contenderById('ours-redis-cache').storeId).toBe('ours-redis-cache');
    expect(NEAR_CACHE).toEqual({ maxEntries: 10_000 });
  });

  it('measures every available contender in every scenario, and starts one server per contender and configuration', () => {
    for (const scenario of REDIS_SCENARIOS) expect(redisContendersOfScenario(scenario, ALL)).toEqual(ALL);
    expect(redisContendersOfScenario(REDIS_SCENARIOS[0], ['express-session-redis', 'ours-memory'])).toEqual(['express-session-redis']);
    const keys = serversNeeded(REDIS_SCENARIOS, ALL, redisContendersOfScenario).map((s: { key: string }) => s.key).sort();
    // Bare Express (normalized or not) has no cookie options: one server serves every configuration.
    expect(keys).toEqual(ALL.flatMap((id) => (id.startsWith('bare') ? [`${id}/default`] : [`${id}/default`, `${id}/touch`])).sort());
  });
});

describe('bench Redis section: command line and settings', () => {
  it('is a section of a full run, and runs alone with --only=redis', () => {
    expect(parseBenchArgs([]).sections.has('redis')).toBe(true);
    const alone = parseBenchArgs(['--only=redis']);
    expect([...alone.sections]).toEqual(['redis']);
    expect(alone.partial).toBe(true);
  });

  it('measures 15 rounds like the HTTP section, and one cold round for --quick --only=redis', () => {
    expect(loadSettings(false).redis).toEqual({ rounds: 15, connections: 16, warmupS: 2, burstS: 1 });
    expect(loadSettings(true).redis).toMatchObject({ rounds: 1, warmupS: 0 });
  });
});

describe('bench Redis round trips', () => {
  it('reads total_reads_processed from INFO stats', () => {
    expect(readsProcessedOf('# Stats\r\ntotal_commands_processed:90\r\ntotal_reads_processed:1234\r\ntotal_writes_processed:1200\r\n')).toBe(1234);
    expect(readsProcessedOf('# Stats\r\n')).toBeNaN();
  });

  it('leaves out the read of the INFO taken after the requests', () => {
    // 20 requests of 2 round trips, plus the closing INFO.
    expect(roundTripsPerRequest(100, 141, 20)).toBe(2);
    expect(roundTripsPerRequest(100, 101, 20)).toBe(0);
    expect(roundTripsPerRequest(100, 101, 0)).toBeNaN();
  });

  it('knows the issue\'s goals: 2 read and modified, 1 with the near-cache, 0 read only with it', () => {
    expect(roundTripGoal('ours-redis', 'read-modify')).toBe(2);
    expect(roundTripGoal('ours-redis-cache', 'read-modify')).toBe(1);
    expect(roundTripGoal('ours-redis-cache', 'read-only')).toBe(0);
    expect(roundTripGoal('express-session-redis', 'read-modify')).toBeUndefined();
  });
});

describe('bench Redis targets', () => {
  const sample = (reqPerSec: number) => ({ reqPerSec, p50Ms: 1, p99Ms: 5, cpuUsPerReq: 1e6 / reqPerSec, requests: reqPerSec, errors: 0 });
  const rounds = (...values: number[]) => values.map(sample);
  const contenders = REDIS_CONTENDERS.map((c: { id: string; title: string }) => ({ id: c.id, title: c.title }));
  const baselines = contenders.filter((c: { id: string }) => c.id === REDIS_REFERENCE_ID);
  const summaries = summariseLoad(
    new Map([
      [
        'read-modify',
        new Map([
          ['express-session-redis', rounds(1000, 900, 1100)],
          ['ours-redis', rounds(1300, 1170, 1430)], // 1.3x: above 1.25
          ['ours-redis-cache', rounds(1500, 1350, 1650)], // 1.5x: below 1.6
        ]),
      ],
      [
        'read-only',
        new Map([
          ['bare', rounds(2000, 2000, 2000)],
          ['bare-normalized', rounds(2200, 2200, 2200)],
          ['express-session-redis', rounds(1000, 1000, 1000)],
          ['ours-redis-cache', rounds(1800, 1800, 1800)], // 1.8x: below 2.5, and so are bare Express (2x) and its normalized variant (2.2x)
        ]),
      ],
    ]),
    contenders,
    baselines,
  );
  const results = evaluateTargets({ redis: summaries });
  const redisTargets = results.filter((r: { target: { section: string } }) => r.target.section === 'redis');
  const find = (contender: string, scenario: string) =>
    redisTargets.find((r: { target: { contender: string; scenario: string } }) => r.target.contender === contender && r.target.scenario === scenario);

  it('lists issue 21\'s four targets, each over express-session + connect-redis', () => {
    expect(redisTargets.map((r: { target: { contender: string; scenario: string; atLeast: number } }) => [r.target.contender, r.target.scenario, r.target.atLeast])).toEqual([
      ['ours-redis', 'read-modify', 1.25],
      ['ours-redis-cache', 'read-modify', 1.6],
      ['ours-redis-cache', 'read-only', 2.5],
      ['ours-redis', 'touch', 1.5],
    ]);
    for (const r of redisTargets) expect(r.target.baseline).toBe('express-session-redis');
  });

  it('judges them from the Redis section, against bare Express\'s ratio as the ceiling where it was measured', () => {
    expect(find('ours-redis', 'read-modify')).toMatchObject({ status: 'met' });
    expect(find('ours-redis', 'read-modify').measured).toBeCloseTo(1.3, 10);
    expect(find('ours-redis-cache', 'read-modify').status).toBe('not met');
    expect(find('ours-redis-cache', 'read-modify').ceiling).toBeNaN();
    // The ceiling is the better of the two session-less servers.
    expect(find('ours-redis-cache', 'read-only').ceiling).toBeCloseTo(2.2, 10);
    expect(find('ours-redis-cache', 'read-only').status).toBe('not met (above the ceiling)');
    expect(find('ours-redis', 'touch').status).toBe('not measured');
  });

  it('renders them in the targets table as the Redis section\'s, and the overview with round trips beside the goals', () => {
    const table = renderTargetsTable(redisTargets);
    expect(table).toContain('| RedisStore | real HTTP, Redis |');
    expect(table).toContain('wasm-session + RedisStore, near-cache, existing session, read only: ≥ 2.5x express-session + connect-redis');
    const overview = renderRedisOverview(summaries, new Map([['read-modify', new Map([['ours-redis', 2], ['ours-redis-cache', 1]])]]));
    expect(overview).toMatch(/\| existing session, read and modified\s+\| wasm-session \+ RedisStore, near-cache\s+\|\s+1 500 \|\s+1\.50x \|\s+667 \|\s+1 \|\s+1 \|/);
    expect(overview).toMatch(/\| existing session, read only\s+\| express-session \+ connect-redis\s+\|\s+1 000 \|\s+1\.00x \|\s+1 000 \|\s+– \|\s+\|/);
  });
});
