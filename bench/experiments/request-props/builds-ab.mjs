// Several builds of wasm-session side by side on the bench app, over pinned
// real HTTP: node builds-ab.mjs bare,none,req,both 15 /untouched,/modify
// Each name that is not a bench contender id ("bare", "express-session-normalized", ...:
// builds-server.mjs) is a build of this repository: after `npm run build`,
//   mkdir -p .ab/<name> && cp -r dist .ab/<name>/dist && ln -s "$PWD/build" .ab/<name>/build
// (.ab/ is not committed; 2026-12-07's "none" was src/request/dictionary-mode.ts
// returning at once, "req" without the toDictionaryMode(res) line in
// src/middleware.ts, "both" as committed). The first name is the baseline of
// the ratios. Servers on core 0, wrk -t1 -c16 on core 1, 1 s
// bursts taking turns, medians of per-round ratios.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const names = process.argv[2].split(',');
const rounds = Number(process.argv[3] ?? 15);
const paths = (process.argv[4] ?? '/untouched,/modify').split(',');
const script = new URL('./builds-server.mjs', import.meta.url).pathname;

const servers = await Promise.all(
  names.map(
    (name) =>
      new Promise((resolve) => {
        const child = spawn('taskset', ['-c', '0', 'node', script, name], { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.once('data', (line) => resolve({ name, child, ...JSON.parse(String(line)) }));
      }),
  ),
);
const cpuTicks = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
const burst = (server, path, seconds) => {
  const args = ['-c', '1', 'wrk', '-t1', '-c16', `-d${seconds}s`];
  if (server.cookie) args.push('-H', `Cookie: ${server.cookie}`);
  args.push(`http://127.0.0.1:${server.port}${path}`);
  return Number(/(\d+) requests in/.exec(execFileSync('taskset', args).toString())[1]);
};
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

for (const path of paths) {
  for (const server of servers) burst(server, path, 2);
  const results = new Map(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const server of round % 2 ? [...servers].reverse() : servers) {
      const before = cpuTicks(server.child.pid);
      const requests = burst(server, path, 1);
      results.get(server.name).push({ requests, cpuUs: ((cpuTicks(server.child.pid) - before) * 1e4) / requests });
    }
  }
  const base = results.get(names[0]);
  for (const name of names) {
    const runs = results.get(name);
    console.log(
      `${path.padEnd(11)} ${name.padEnd(8)} req/s ${median(runs.map((r) => r.requests))}  CPU µs/req ${median(runs.map((r) => r.cpuUs)).toFixed(1)}  ` +
        `ratio ${median(runs.map((r, i) => r.requests / base[i].requests)).toFixed(3)}`,
    );
  }
}
for (const server of servers) server.child.kill();
