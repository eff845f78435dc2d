// The load generator of the pinned HTTP section: wrk (Debian package `wrk`)
// pinned to its own core, or autocannon's command line the same way when wrk
// is absent. Either runs as its own process, never in the runner's event loop.
import { execFile } from 'node:child_process';
import { parseAutocannonJson } from '../lib/autocannon-result.mjs';
import { requireFromRoot } from '../lib/packages.mjs';
import { commandExists, LOAD_CPU, pinnedCommand, pinningAvailable } from '../lib/pinning.mjs';
import { parseWrkOutput, wrkArgs } from '../lib/wrk.mjs';

/**
 * @typedef {{ name: 'wrk' | 'autocannon', note: string | null,
 *   burst: (burst: { url: string, connections: number, durationS: number, cookie?: string }) =>
 *     Promise<import('../lib/wrk.mjs').BurstResult> }} LoadGenerator
 */

/** @returns {LoadGenerator} wrk when installed, autocannon otherwise (with a note saying so) */
export function chooseLoadGenerator() {
  const canPin = pinningAvailable();
  const pinNote = canPin ? null : 'taskset or a second core is missing: server and load generator are NOT pinned.';
  if (commandExists('wrk')) {
    return {
      name: 'wrk',
      note: pinNote,
      burst: async (burst) => parseWrkOutput(await run(pinnedCommand({ cpu: LOAD_CPU, command: 'wrk', args: wrkArgs(burst), canPin }))),
    };
  }
  const cli = requireFromRoot.resolve('autocannon/autocannon.js');
  return {
    name: 'autocannon',
    note: ['wrk is not installed (Debian package `wrk`): the real-HTTP section used autocannon instead, which costs more CPU per request on its core.', pinNote]
      .filter(Boolean)
      .join(' '),
    burst: async ({ url, connections, durationS, cookie }) => {
      const args = [cli, '-j', '-c', String(connections), '-d', String(durationS), ...(cookie ? ['-H', `Cookie=${cookie}`] : []), url];
      return parseAutocannonJson(await run(pinnedCommand({ cpu: LOAD_CPU, command: process.execPath, args, canPin })));
    },
  };
}

function run({ command, args }) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
