/**
 * Every fenced code block in README.md and docs/*.md is run, as a user would paste it, against the
 * built package: a snippet that cannot be pasted fails here. The convention (also stated in
 * docs/develop.md):
 *
 * - ```js  a whole program. Run with node from a scratch folder where `wasm-session` resolves to
 *          this repository; as an ES module when it has `import`/`export` statements, else as
 *          CommonJS (so `require()` beside top-level `await` fails, as it would for a user).
 * - ```ts  a whole TypeScript file, type-checked (strict, nodenext) against the built declarations.
 * - anything else (sh, text, output) must carry `<!-- snippet: skip <reason> -->` on the line
 *   before the fence; a block with neither is a failure, so nothing goes unchecked silently.
 *
 * A snippet that starts a server is ended by test/doc-snippets-preload.cjs: its listen goes to a
 * free loopback port, the requests of `<!-- snippet: requests GET /, POST /login -->` (default
 * `GET /`) are sent with cookies carried over, and any 5xx fails it. `<!-- snippet: redis -->`
 * marks a block that needs Redis: it gets REDIS_URL of a throwaway redis-server, and is skipped
 * when redis-server is missing (outside CI), as the Redis tests are. Every snippet gets
 * SESSION_SECRET and SESSION_SECRET_PREVIOUS in its environment and its own working folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, skipWithoutRedis, startRedisServer } from './helpers/redis-server';

const root = path.resolve(__dirname, '..');
const RUN_TIMEOUT_MS = 30_000;

export interface Snippet {
  file: string;
  line: number;
  lang: string;
  code: string;
  skip?: string;
  redis: boolean;
  requests?: string;
}

/** The fenced blocks of one markdown text, with the `<!-- snippet: … -->` directives on the lines just above each. */
export function extractSnippets(file: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) body.push(lines[j++]!);
    const snippet: Snippet = { file, line: i + 1, lang: open[3]!.toLowerCase(), code: body.join('\n') + '\n', redis: false };
    for (let k = i - 1; k >= 0 && /^<!-- snippet: .*-->$/.test(lines[k]!.trim()); k--) {
      const directive = lines[k]!.trim().slice('<!-- snippet: '.length, -'-->'.length).trim();
      if (directive.startsWith('skip')) snippet.skip = directive.slice('skip'.length).trim();
      else if (directive === 'redis') snippet.redis = true;
      else if (directive.startsWith('requests ')) snippet.requests = directive.slice('requests '.length).trim();
      else throw new Error(`${file}:${k + 1}: unknown snippet directive "${directive}"`);
    }
    snippets.push(snippet);
    i = j;
  }
  return snippets;
}

export const isModule = (code: string): boolean => /^\s*(import\s*[\w{*'"]|export\s)/m.test(code);

const documents = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const snippets = documents.flatMap((file) => extractSnippets(file, readFileSync(path.join(root, file), 'utf8')));

interface Outcome {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    // Its own process group, so a timeout also ends what the snippet started (cluster workers).
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n[snippet] killed after ${RUN_TIMEOUT_MS} ms`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('documentation snippets', () => {
  let scratch: string;
  let redis: RedisServer | undefined;
  let count = 0;

  beforeAll(async () => {
    expect(existsSync(path.join(root, 'dist', 'index.js')), 'the snippets run against the build: npm run build').toBe(true);
    scratch = mkdtempSync(path.join(tmpdir(), 'wasm-session-snippets-'));
    // node_modules of the scratch folder: the repository as `wasm-session`, beside its installed packages.
    const modules = path.join(scratch, 'node_modules');
    mkdirSync(modules);
    for (const entry of readdirSync(path.join(root, 'node_modules'))) {
      if (entry !== 'wasm-session') symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
    }
    symlinkSync(root, path.join(modules, 'wasm-session'), 'dir');
    if (!skipWithoutRedis && snippets.some((s) => s.redis && s.skip === undefined)) redis = await startRedisServer();
  }, 60_000);

  afterAll(async () => {
    await redis?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('finds the blocks of every page, and every block is run or skipped with a reason', () => {
    expect(snippets.length).toBeGreaterThan(10);
    const unmarked = snippets.filter((s) => s.skip === undefined && s.lang !== 'js' && s.lang !== 'ts');
    expect(unmarked.map((s) => `${s.file}:${s.line} (${s.lang || 'no language'})`)).toEqual([]);
    expect(snippets.filter((s) => s.skip === '').map((s) => `${s.file}:${s.line}`)).toEqual([]);
  });

  for (const snippet of snippets) {
    const name = `${snippet.file}:${snippet.line} (${snippet.lang || 'text'})`;
    if (snippet.skip !== undefined) {
      it.skip(`${name}: ${snippet.skip}`, () => {});
      continue;
    }
    if (snippet.lang !== 'js' && snippet.lang !== 'ts') continue; // reported by the test above
    const needsRedis = snippet.redis && skipWithoutRedis;
    it.skipIf(needsRedis)(name, async () => {
      const dir = path.join(scratch, `${++count}-${snippet.file.replace(/[/.]/g, '-')}-${snippet.line}`);
      mkdirSync(dir);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'test',
        SESSION_SECRET: 'a long random secret from the environment',
        SESSION_SECRET_PREVIOUS: 'the secret before it',
        SNIPPET_REQUESTS: snippet.requests ?? 'GET /',
        ...(redis ? { REDIS_URL: redis.url } : {}),
      };
      let outcome: Outcome;
      if (snippet.lang === 'ts') {
        writeFileSync(path.join(dir, 'snippet.ts'), snippet.code);
        const compilerOptions = { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: ['node'] };
        writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['snippet.ts'] }));
        outcome = await run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir, env);
      } else {
        const file = isModule(snippet.code) ? 'snippet.mjs' : 'snippet.js';
        writeFileSync(path.join(dir, file), snippet.code);
        outcome = await run(process.execPath, ['--require', path.join(__dirname, 'doc-snippets-preload.cjs'), file], dir, env);
      }
      expect(outcome.code, `${name} failed:\n${snippet.code}\n--- output ---\n${outcome.output}`).toBe(0);
    }, RUN_TIMEOUT_MS + 15_000);
  }
});

describe('README for users', () => {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  // The bench block names its run; everything else is prose a user reads.
  const prose = readme.replace(/<!-- bench:latest:start[\s\S]*?<!-- bench:latest:end -->/, '');

  it('stays short', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('speaks of no issues, commits or branches of this repository', () => {
    expect(prose.match(/\bissues? \d+|#\d+\b|\bcommit [0-9a-f]{7}|\b[0-9a-f]{7,40}\b|\bbranch\b/gi) ?? []).toEqual([]);
  });

  it('quotes figures only inside the generated bench block', () => {
    expect(prose.match(/\b\d+(\.\d+)?x\b|\d+(\.\d+)? ?(µs|ms\b|req\/s)/g) ?? []).toEqual([]);
  });
});
