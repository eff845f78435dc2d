// The request shapes of the pinned real-HTTP section (issue 14's table). Each
// names a route of the shared app, whether wrk sends the session cookie, the
// server configuration it runs against, and the contenders compared in it.
import { isSessionless, NORMALIZED_BARE_ID, NORMALIZED_REFERENCE_ID } from './contenders.mjs';

/**
 * Server configurations. Every contender has one warm server per configuration
 * it is measured in. `fresh` has the default options but its own process, so
 * the sessions that "new session per request" piles up do not slow down (or
 * grow the heap of) the server the other scenarios read from.
 * @type {Record<string, { title: string, middlewareOptions: object }>}
 */
export const SERVER_CONFIGS = {
  default: { title: 'default options', middlewareOptions: {} },
  touch: { title: 'cookie.maxAge set', middlewareOptions: { cookie: { maxAge: 3_600_000 } } },
  fresh: { title: 'default options, own process', middlewareOptions: {} },
};

/** Contenders of every HTTP scenario; LmdbStore joins read-and-modify only (the row). */
export const HTTP_CONTENDER_IDS = ['bare', NORMALIZED_BARE_ID, 'express-session', NORMALIZED_REFERENCE_ID, 'ours-memory'];

/**
 * @typedef {{ id: string, title: string, path: string, sendsCookie: boolean, config: keyof typeof SERVER_CONFIGS,
 *   extraContenders: string[] }} HttpScenario
 * @type {HttpScenario[]}
 */
export const HTTP_SCENARIOS = [
  { id: 'read-modify', title: 'existing session, read and modified', path: '/modify', sendsCookie: true, config: 'default', extraContenders: ['ours-lmdb'] },
  { id: 'read-only', title: 'existing session, read only', path: '/read', sendsCookie: true, config: 'default', extraContenders: [] },
  { id: 'touch', title: 'read only, cookie.maxAge (touch every request)', path: '/read', sendsCookie: true, config: 'touch', extraContenders: [] },
  { id: 'new-session', title: 'new session per request (no cookie)', path: '/modify', sendsCookie: false, config: 'fresh', extraContenders: [] },
  { id: 'untouched', title: 'handler never reads req.session', path: '/untouched', sendsCookie: true, config: 'default', extraContenders: [] },
];

export function httpScenarioById(id) {
  const scenario = HTTP_SCENARIOS.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`unknown HTTP scenario "${id}" (known: ${HTTP_SCENARIOS.map((s) => s.id).join(', ')})`);
  return scenario;
}

/**
 * The contender ids measured in a scenario, among those available.
 * @param {HttpScenario} scenario @param {string[]} availableIds
 */
export function contendersOfScenario(scenario, availableIds) {
  return [...HTTP_CONTENDER_IDS, ...scenario.extraContenders].filter((id) => availableIds.includes(id));
}

/**
 * The servers a run needs: one per (contender, configuration) pair that some
 * scenario measures. Bare Express has no session options, so one server
 * serves all its scenarios (the same for its normalized variant).
 * @param {HttpScenario[]} scenarios @param {string[]} availableIds
 * @param {(scenario: HttpScenario, availableIds: string[]) => string[]} [contendersOf] who a scenario measures
 *   (default: this section's rule; the Redis section passes its own)
 * @returns {Array<{ key: string, contenderId: string, config: string }>}
 */
export function serversNeeded(scenarios, availableIds, contendersOf = contendersOfScenario) {
  const servers = new Map();
  for (const scenario of scenarios) {
    for (const contenderId of contendersOf(scenario, availableIds)) {
      const key = serverKey(contenderId, scenario.config);
      if (!servers.has(key)) servers.set(key, { key, contenderId, config: isSessionless(contenderId) ? 'default' : scenario.config });
    }
  }
  return [...servers.values()];
}

/** The server a contender is measured on in a configuration. */
export function serverKey(contenderId, config) {
  return isSessionless(contenderId) ? `${contenderId}/default` : `${contenderId}/${config}`;
}
