// The four request shapes every end-to-end section measures. Each names the
// route of the shared app (bench/lib/app.mjs) and whether the client sends a
// pre-created session cookie.

/** @typedef {{ id: string, title: string, method: 'GET'|'POST', path: string, sendsCookie: boolean }} Scenario */

/** @type {Scenario[]} */
export const SCENARIOS = [
  { id: 'read-only', title: 'existing session, read-only', method: 'GET', path: '/read', sendsCookie: true },
  { id: 'read-modify', title: 'existing session, read and modified', method: 'GET', path: '/modify', sendsCookie: true },
  { id: 'new-session', title: 'new session per request (no cookie)', method: 'GET', path: '/modify', sendsCookie: false },
  { id: 'login', title: 'login with regenerate (no cookie)', method: 'POST', path: '/login', sendsCookie: false },
];

/** The route that creates a logged-in session; used to pre-create one cookie per connection. */
export const LOGIN = { method: 'POST', path: '/login' };

/** The route whose body proves a cookie resolved to its session (see app.mjs). */
export const WHOAMI = { method: 'GET', path: '/read' };

export function scenarioById(id) {
  const scenario = SCENARIOS.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`unknown scenario "${id}" (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
  return scenario;
}
