// Command line of bench/run.mjs.
import { parseArgs } from 'node:util';

export const SECTION_IDS = ['micro', 'inprocess', 'http', 'redis', 'cluster', 'scale'];

/**
 * --quick: the ~1 minute smoke run (CI). --only=a,b: run just those sections
 * and print them without writing result files (for working on the suite).
 */
export function parseBenchArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
    strict: true,
  });
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !SECTION_IDS.includes(id)) ?? [];
  if (unknown.length > 0) throw new TypeError(`--only: unknown section(s) ${unknown.join(', ')} (known: ${SECTION_IDS.join(', ')})`);
  return { quick: values.quick, sections: new Set(only ?? SECTION_IDS), partial: only !== undefined };
}
