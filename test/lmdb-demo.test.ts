/**
 * The demo app (demo/server.js) as `npm start` runs it, single and clustered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempStores, tempStorePath } from './helpers/lmdb';

const root = path.resolve(__dirname, '..');
const running = new Set<ChildProcess>();

afterEach(() => {
  for (const proc of running) proc.kill('SIGKILL');
  running.clear();
});
afterAll(removeTempStores);

/** Starts the demo and resolves with the URL it prints. */
function startDemo(args: string[]): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const proc = spawn(process.execPath, ['demo/server.js', ...args], { cwd: root, env: { ...process.env, PORT: '0' } });
  running.add(proc);
  let output = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.setEncoding('utf8');
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => (output += chunk));
    proc.stdout!.on('data', (chunk: string) => {
      output += chunk;
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url) resolve({ proc, url, output: () => output });
    });
    proc.once('exit', (code) => reject(new Error(`demo exited (${code}) before printing its URL:\n${output}`)));
  });
}

function exitCode(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

/** A tiny cookie-keeping browser with a new connection per request. */
function browser(base: string) {
  let cookie = '';
  const fetchPage = async (urlPath: string, init: RequestInit = {}) => {
    const res = await fetch(new URL(urlPath, base), {
      ...init,
      redirect: 'manual',
      headers: { ...(cookie ? { cookie } : {}), connection: 'close', ...(init.headers as Record<string, string>) },
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0];
    return res;
  };
  return {
    api: async () => (await (await fetchPage('/api')).json()) as { views: number; user: string | null; pid: number; sessionId: string },
    login: (name: string) =>
      fetchPage('/login', { method: 'POST', body: `name=${encodeURIComponent(name)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    logout: () => fetchPage('/logout', { method: 'POST' }),
    page: async () => (await fetchPage('/')).text(),
  };
}

describe('demo server', () => {
  it('on the MemoryStore: counts views, logs in with a new session ID, logs out, stops on SIGINT', async () => {
    const { proc, url } = await startDemo([]);
    const b = browser(url);
    expect((await b.api()).views).toBe(1);
    const second = await b.api();
    expect(second).toMatchObject({ views: 2, user: null, storeName: 'MemoryStore' });
    expect((await b.login('<ann>')).status).toBe(303);
    const loggedIn = await b.api();
    expect(loggedIn).toMatchObject({ views: 3, user: '<ann>' });
    expect(loggedIn.sessionId).not.toBe(second.sessionId);
    expect(await b.page()).toContain('&lt;ann&gt;');
    await b.logout();
    expect(await b.api()).toMatchObject({ views: 1, user: null });
    const exited = exitCode(proc);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('with --workers 2: one session served by both processes, stops on SIGINT', async () => {
    const { proc, url, output } = await startDemo(['--workers', '2', '--store', tempStorePath()]);
    const b = browser(url);
    const pids = new Set<number>();
    for (let views = 1; views <= 8; views++) {
      const reply = await b.api();
      expect(reply).toMatchObject({ views, storeName: 'LmdbStore' });
      pids.add(reply.pid);
    }
    expect(pids.size).toBe(2);
    expect(output()).toMatch(/cluster of 2/);
    const exited = exitCode(proc);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('rejects a bad --workers value', async () => {
    await expect(startDemo(['--workers', 'many'])).rejects.toThrow(/--workers must be a whole number/);
  });
});
