// Reading a V8 CPU profile (.cpuprofile, as the inspector's Profiler.stop
// returns it) into self time per function and per stage of a request. Pure
// functions; the tests pin them down.

/**
 * Self time per profile node: each sample's duration (the gap to the next
 * sample) goes to the node it hit. The last sample has no successor and gets
 * the mean gap.
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number } }>,
 *   samples: number[], timeDeltas: number[] }} profile
 * @returns {Map<number, number>} node id → µs
 */
export function selfTimeByNode(profile) {
  const { samples, timeDeltas } = profile;
  const self = new Map();
  if (samples.length === 0) return self;
  const total = timeDeltas.slice(1).reduce((sum, d) => sum + d, 0);
  const meanGap = samples.length > 1 ? total / (samples.length - 1) : 0;
  for (let i = 0; i < samples.length; i++) {
    const duration = i + 1 < samples.length ? timeDeltas[i + 1] : meanGap;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + Math.max(0, duration));
  }
  return self;
}

/**
 * Self time per function (name, file and line; one function inlined in
 * several call paths is one row), heaviest first.
 * @returns {Array<{ name: string, url: string, line: number, stage: string, selfUs: number }>}
 */
export function selfTimeByFunction(profile, stageOf = stageOfFrame) {
  const self = selfTimeByNode(profile);
  const rows = new Map();
  for (const node of profile.nodes) {
    const us = self.get(node.id);
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}\0${url}\0${lineNumber}`;
    const row = rows.get(key) ?? { name: functionName || '(anonymous)', url, line: lineNumber + 1, stage: stageOf(node.callFrame), selfUs: 0 };
    row.selfUs += us;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.selfUs - a.selfUs);
}

/** Self time summed per stage, heaviest first. */
export function selfTimeByStage(functions) {
  return sumByStage(functions, 'selfUs');
}

/** One figure (`field`: selfUs, bytes, ...) of per-function rows summed per stage, heaviest first. */
export function sumByStage(functions, field) {
  const stages = new Map();
  for (const row of functions) stages.set(row.stage, (stages.get(row.stage) ?? 0) + row[field]);
  return [...stages].map(([stage, total]) => ({ stage, [field]: total })).sort((a, b) => b[field] - a[field]);
}

/**
 * Which part of a request a frame belongs to, from where its code lives.
 * Order matters: a package's own node_modules are matched before the
 * generic buckets.
 * @param {{ functionName: string, url: string }} callFrame
 */
export function stageOfFrame({ functionName, url }) {
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'V8/native, unattributed';
  if (url.startsWith('wasm://')) return 'wasm-session: Wasm kernels';
  const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (packageName === 'express-session') return 'express-session';
  if (packageName === 'on-headers') return 'on-headers';
  if (packageName && SESSION_HELPERS.has(packageName)) return `session helpers (${[...SESSION_HELPERS].join(', ')})`;
  if (packageName && SHARED_HELPERS.has(packageName)) return `shared helpers (${[...SHARED_HELPERS].join(', ')})`;
  if (packageName && EXPRESS_PACKAGES.has(packageName)) return 'Express and its dependencies';
  if (packageName) return `other packages`;
  if (/\/dist\/[^/]+\.js$|\/dist\//.test(url) && !url.includes('node_modules')) return 'wasm-session: TypeScript (dist/)';
  if (url.includes('/bench/')) return 'bench app and server';
  if (url.startsWith('node:') || url === '') return 'Node.js core (http, net, streams)';
  return 'other';
}

/** Packages the session middlewares call for cookies, signing and ids. */
const SESSION_HELPERS = new Set(['cookie', 'cookie-signature', 'uid-safe', 'random-bytes', 'crc']);

/** Packages both Express and the middlewares call on every request. */
const SHARED_HELPERS = new Set(['debug', 'ms', 'depd', 'parseurl']);

/** Express 4 and what it brings for routing and responses. */
const EXPRESS_PACKAGES = new Set([
  'express', 'router', 'finalhandler', 'send', 'etag', 'fresh', 'content-type', 'content-disposition', 'accepts',
  'negotiator', 'mime', 'mime-types', 'mime-db', 'type-is', 'qs', 'utils-merge', 'merge-descriptors', 'path-to-regexp',
  'setprototypeof', 'statuses', 'safe-buffer', 'encodeurl', 'escape-html', 'range-parser', 'proxy-addr', 'forwarded',
  'ipaddr.js', 'methods', 'array-flatten', 'vary', 'on-finished', 'ee-first', 'body-parser', 'http-errors', 'inherits',
  'serve-static',
]);

/** Stages that only a session middleware's frames fall in (bare Express has none of them). */
export function isSessionStage(stage) {
  return stage.startsWith('wasm-session') || stage === 'express-session' || stage === 'on-headers' || stage.startsWith('session helpers');
}
