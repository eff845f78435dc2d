// Compiles every top-level assembly/*.ts file to build/<name>.wasm with the
// asconfig.json target given as the first argument (default: release).
// Shared AssemblyScript code lives in subfolders of assembly/ and is not an entry.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = process.argv[2] ?? 'release';
const asc = createRequire(import.meta.url).resolve('assemblyscript/bin/asc.js');
const entries = readdirSync(path.join(root, 'assembly')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

mkdirSync(path.join(root, 'build'), { recursive: true });
for (const entry of entries) {
  const name = entry.slice(0, -3);
  const outFile = path.join('build', target === 'release' ? `${name}.wasm` : `${name}.${target}.wasm`);
  execFileSync(
    process.execPath,
    [asc, path.join('assembly', entry), '--config', 'asconfig.json', '--target', target, '--outFile', outFile],
    { cwd: root, stdio: 'inherit' },
  );
  console.log(`built ${outFile}`);
}
