// The Redis section (issue 21's targets): the pinned real-HTTP method of
// run.mjs with every session in one redis-server on loopback, started here
// and stopped at the end. After the rounds, Redis round trips per request are
// counted on a few sequential requests from redis-server's side, so counting
// costs the measured processes nothing.
import { contenderById, REDIS_CONTENDERS, REDIS_REFERENCE_ID } from '../lib/contenders.mjs';
import { summariseLoad } from '../lib/e2e-summary.mjs';
import { serversNeeded } from '../lib/http-scenarios.mjs';
import { REDIS_CPU } from '../lib/pinning.mjs';
import { roundTripsPerRequest } from '../lib/redis-round-trips.mjs';
import { redisContendersOfScenario, REDIS_SCENARIOS } from '../lib/redis-scenarios.mjs';
import { storeById } from '../lib/stores.mjs';
import { chooseLoadGenerator } from './load-generator.mjs';
import { startFleet } from './pinned-fleet.mjs';
import { runPinnedRounds } from './pinned-rounds.mjs';
import { startBenchRedis } from './redis-server.mjs';

/**
 * @param {{ settings: { rounds: number, connections: number, warmupS: number, burstS: number },
 *   log: (line: string) => void }} context
 */
export async function runRedis({ settings, log }) {
  const notes = [];
  const contenders = REDIS_CONTENDERS.filter((c) => {
    if (c.storeId === null || storeById(c.storeId).available()) return true;
    notes.push(`${c.title} skipped: the built package does not provide it yet.`);
    return false;
  });
  const availableIds = contenders.map((c) => c.id);
  const loadGenerator = chooseLoadGenerator();
  notes.push(`load generator: ${loadGenerator.name}`);
  if (loadGenerator.note) notes.push(loadGenerator.note);
  const redis = await startBenchRedis({ cpu: REDIS_CPU });
  try {
    const fleet = await startFleet(serversNeeded(REDIS_SCENARIOS, availableIds, redisContendersOfScenario), { env: { BENCH_REDIS_URL: redis.url } });
    try {
      if (!fleet.pinned || !redis.pinned) notes.push('servers or redis-server not pinned (no taskset or fewer than 2 cores)');
      for (const note of notes) log(`[redis] ${note}`);
      const samples = await runPinnedRounds({
        label: 'redis',
        scenarios: REDIS_SCENARIOS,
        contendersOf: (scenario) => redisContendersOfScenario(scenario, availableIds),
        settings,
        burst: (scenario, id, durationS) => fleet.burst(scenario, id, durationS, settings, loadGenerator),
        titleOf: (id) => contenderById(id).title,
        log,
      });
      const roundTrips = await countRoundTrips(fleet, redis, (scenario) => redisContendersOfScenario(scenario, availableIds));
      const baselines = contenders.filter((c) => c.id === REDIS_REFERENCE_ID);
      return {
        samples,
        summaries: summariseLoad(samples, contenders, baselines),
        roundTrips,
        baselines,
        loadGenerator: loadGenerator.name,
        pinned: fleet.pinned && redis.pinned,
        notes,
      };
    } finally {
      await fleet.stop();
    }
  } finally {
    await redis.stop();
  }
}

/** Sequential requests per count, after a few that let caches and scripts settle (as test/redis-store-round-trips.test.ts does). */
const ROUND_TRIP_REQUESTS = 20;
const ROUND_TRIP_WARMUP = 3;

/**
 * Redis round trips per request of every contender in every scenario, one
 * request at a time so that no two requests' commands share a round trip.
 * @returns {Promise<Map<string, Map<string, number>>>} scenario id → contender id → round trips per request
 */
async function countRoundTrips(fleet, redis, contendersOf) {
  const counts = new Map();
  for (const scenario of REDIS_SCENARIOS) {
    const byContender = new Map();
    for (const id of contendersOf(scenario)) {
      for (let i = 0; i < ROUND_TRIP_WARMUP; i++) await fleet.request(scenario, id);
      const before = await redis.readsProcessed();
      for (let i = 0; i < ROUND_TRIP_REQUESTS; i++) {
        const response = await fleet.request(scenario, id);
        if (response.status !== 200) throw new Error(`${id} answered ${response.status} while counting round trips`);
      }
      byContender.set(id, roundTripsPerRequest(before, await redis.readsProcessed(), ROUND_TRIP_REQUESTS));
    }
    counts.set(scenario.id, byContender);
  }
  return counts;
}
