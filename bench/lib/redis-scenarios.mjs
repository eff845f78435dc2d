// What the Redis section measures (issue 21's targets): three of the pinned
// HTTP section's request shapes, each against every Redis contender.
import { REDIS_CONTENDERS } from './contenders.mjs';
import { httpScenarioById } from './http-scenarios.mjs';

/** Read and modified, read only, and read only with cookie.maxAge (touch): the same routes and server configurations as the HTTP section. */
export const REDIS_SCENARIOS = ['read-modify', 'read-only', 'touch'].map(httpScenarioById);

/**
 * Every Redis contender in every scenario, those available in this build.
 * @param {import('./http-scenarios.mjs').HttpScenario} _scenario @param {string[]} availableIds
 */
export function redisContendersOfScenario(_scenario, availableIds) {
  return REDIS_CONTENDERS.map((c) => c.id).filter((id) => availableIds.includes(id));
}
