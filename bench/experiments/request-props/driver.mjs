import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
const variants = process.argv[2].split(',');
const rounds = Number(process.argv[3] ?? 15);
const script = process.argv[4] ?? new URL('./props.cjs', import.meta.url).pathname;
const servers = await Promise.all(variants.map((v) => new Promise((res) => {
  const p = spawn('taskset', ['-c', '0', 'node', script, v], { stdio: ['ignore', 'pipe', 'inherit'] });
  p.stdout.once('data', (d) => res({ v, p, port: Number(String(d).trim()) }));
})));
const ticks = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const burst = (port, s) => { const out = execFileSync('taskset', ['-c', '1', 'wrk', '-t1', '-c16', `-d${s}s`, `http://127.0.0.1:${port}/`]).toString(); return Number(/(\d+) requests in/.exec(out)[1]); };
for (const s of servers) burst(s.port, 2);
const res = Object.fromEntries(variants.map((v) => [v, []]));
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? [...servers].reverse() : servers;
  for (const s of order) { const t0 = ticks(s.p.pid); const n = burst(s.port, 1); const t1 = ticks(s.p.pid); res[s.v].push({ n, us: (t1 - t0) * 1e4 / n }); }
}
const med = (a) => { const b = [...a].sort((x, y) => x - y); return b[b.length >> 1]; };
const base = res[variants[0]];
for (const v of variants) {
  const ratios = res[v].map((x, i) => x.n / base[i].n);
  console.log(v.padEnd(16), 'req/s', med(res[v].map((x) => x.n)), 'cpu us/req', med(res[v].map((x) => x.us)).toFixed(1), 'ratio', med(ratios).toFixed(3));
}
for (const s of servers) s.p.kill();
