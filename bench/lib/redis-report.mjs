// The Redis section of the results document: how it ran, one overview table
// (req/s ratio to express-session + connect-redis and Redis round trips per
// request beside the issue's goals), then the full table per scenario.
import { REDIS_REFERENCE_ID } from './contenders.mjs';
import { renderLoadTables } from './e2e-summary.mjs';
import { formatAmount, formatRate, formatRatio } from './format.mjs';
import { renderMarkdownTable } from './markdown-table.mjs';
import { REDIS_SCENARIOS } from './redis-scenarios.mjs';
import { roundTripGoal } from './targets.mjs';

/**
 * @param {{ summaries: Map<string, any[]>, roundTrips: Map<string, Map<string, number>>, baselines: Array<{ id: string, title: string }>,
 *   loadGenerator: string, pinned: boolean }} redis what bench/e2e/redis.mjs returned
 * @param {{ rounds: number, connections: number, warmupS: number, burstS: number }} settings
 * @returns {string[]} the section's blocks, heading first
 */
export function renderRedisSection(redis, settings) {
  const placement = redis.pinned
    ? 'servers pinned to core 0, the load generator and redis-server to core 1 (`taskset`)'
    : '**not pinned** (no taskset or fewer than 2 cores)';
  return [
    '## RedisStore on real HTTP (pinned)',
    `One redis-server on loopback, started by the suite with no persistence; every contender's server started once per configuration and kept warm; ${placement}. ` +
      `${redis.loadGenerator}, ${settings.connections} connections with one session cookie per server; ${settings.burstS} s bursts over ${settings.rounds} round(s), order rotated each round, ` +
      `after ${settings.warmupS > 0 ? `a ${settings.warmupS} s warm-up burst per server and scenario` : 'no warm-up'}. ` +
      'Ratios are medians of per-round req/s ratios to express-session + connect-redis. ' +
      'Round trips: redis-server\'s read events over 20 sequential requests per contender and scenario after the rounds (commands a script runs inside Redis add none).',
    renderRedisOverview(redis.summaries, redis.roundTrips),
    renderLoadTables(redis.summaries, REDIS_SCENARIOS, redis.baselines, 'server CPU µs/req'),
  ];
}

/** One row per scenario and contender: req/s, its ratio to the reference, server CPU, round trips and the issue's goal. */
export function renderRedisOverview(summaries, roundTrips) {
  const rows = [];
  for (const scenario of REDIS_SCENARIOS) {
    for (const row of summaries.get(scenario.id) ?? []) {
      const goal = roundTripGoal(row.contenderId, scenario.id);
      rows.push([
        scenario.title,
        row.errors > 0 ? `${row.title} (${row.errors} errors)` : row.title,
        formatRate(row.reqPerSec),
        formatRatio(row.ratios[REDIS_REFERENCE_ID]),
        formatAmount(row.cpuUsPerReq),
        formatAmount(roundTrips?.get(scenario.id)?.get(row.contenderId)),
        goal === undefined ? '' : String(goal),
      ]);
    }
  }
  return renderMarkdownTable(
    ['scenario', 'contender', 'req/s', 'req/s × express-session + connect-redis', 'server CPU µs/req', 'Redis round trips/req', 'goal (issue 21)'],
    rows,
    ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  );
}
