// What the figures were measured on and from which code, written at the top of every report.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { repoRoot, requireFromRoot } from './packages.mjs';

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    loadAverage: os.loadavg(),
    packageVersion: requireFromRoot('./package.json').version,
    commit: gitCommit(),
  };
}

// "abc1234" or "abc1234 + uncommitted changes"; figures from a dirty tree say so.
function gitCommit() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'assembly').length > 0;
    return dirty ? `${commit} + uncommitted changes in src/ or assembly/` : commit;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
