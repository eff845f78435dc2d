/**
 * LmdbStore under hostile conditions: a path it cannot write (a read-only
 * mount; a file where a directory should be; a path under /proc), a disk that
 * fills up (a 1 MB tmpfs), and several processes writing one session at once.
 *
 * The tests run as root in CI, and root ignores file modes, so `chmod` cannot
 * make a directory read-only here: a read-only tmpfs (or a read-only bind
 * mount of an existing store) does. Without permission to mount, those tests
 * are skipped and say so.
 */
import { execFileSync, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { session } from './helpers/package';
import { removeTempStores, tempStorePath } from './helpers/lmdb';

const fixtures = path.join(__dirname, 'fixtures/hardening');
const mounted: string[] = [];

function tryMount(args: string[], target: string): boolean {
  try {
    execFileSync('mount', [...args, target], { stdio: 'pipe' });
    mounted.push(target);
    return true;
  } catch {
    return false;
  }
}

const probeDir = tempStorePath();
// Whether this machine lets us mount (root with CAP_SYS_ADMIN): the probe mount is unmounted in afterAll.
const canMount = tryMount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs'], probeDir);
afterAll(() => {
  for (const target of mounted.reverse()) {
    try {
      execFileSync('umount', [target], { stdio: 'pipe' });
    } catch {
      // Already gone.
    }
  }
  removeTempStores();
});

function openError(dir: string): { code?: string; message: string } | 'opened' {
  try {
    const store = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    void store.close();
    return 'opened';
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
}

describe('a path the store cannot write fails at construction with ERR_SESSION_STORE_OPEN', () => {
  it.skipIf(!canMount)('a read-only tmpfs', () => {
    const dir = tempStorePath();
    expect(tryMount(['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs'], dir)).toBe(true);
    const err = openError(dir);
    expect(err).toMatchObject({ code: 'ERR_SESSION_STORE_OPEN' });
    expect((err as { message: string }).message).toContain(dir);
    expect((err as { message: string }).message).toMatch(/read-only file system/i);
  });

  it.skipIf(!canMount)('an existing store behind a read-only bind mount', async () => {
    const dir = tempStorePath();
    const store = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    await new Promise<void>((r) => store.set('kept', { cookie: { originalMaxAge: null }, n: 1 }, () => r()));
    await store.close();
    const view = tempStorePath();
    expect(tryMount(['--bind', '-o', 'ro', dir], view)).toBe(true);
    execFileSync('mount', ['-o', 'remount,ro,bind', view], { stdio: 'pipe' });
    const err = openError(view);
    expect(err).toMatchObject({ code: 'ERR_SESSION_STORE_OPEN' });
    expect((err as { message: string }).message).toMatch(/read-only file system/i);
  });

  it('a file where the directory should be', () => {
    const file = path.join(tempStorePath(), 'not-a-dir');
    writeFileSync(file, 'x');
    const err = openError(path.join(file, 'db'));
    expect(err).toMatchObject({ code: 'ERR_SESSION_STORE_OPEN' });
    expect((err as { message: string }).message).toMatch(/ENOTDIR/);
  });

  // Needs a change in src/stores/lmdb/open-env.ts (not owned here): on Node 20, a recursive
  // mkdirSync of a path under /proc never returns (the kernel answers ENOENT for the new
  // entry and Node's mkdirp retries forever), and lmdb creates the directory that way, so
  // the constructor hangs. Creating the directory non-recursively after checking that the
  // parent exists would fail fast. Run in a child so the hang cannot stall the suite.
  it.fails('a path under /proc (hangs today: run in a child with a 3 s limit)', () => {
    const script = `const s = require(${JSON.stringify(path.resolve(__dirname, '..'))});
      try { new s.LmdbStore({ path: '/proc/wasm-session-cannot-be-here', sweepInterval: 0 }); console.log('opened'); }
      catch (e) { console.log(e.code); }`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 3000, killSignal: 'SIGKILL' });
    expect(out.trim()).toBe('ERR_SESSION_STORE_OPEN');
  });
});

interface FillReport {
  written: number;
  failure?: { code: string | null; message: string; at: number };
  firstReads: number | string;
  unhandled: string[];
}

function fillUntilFull(): FillReport {
  const dir = tempStorePath();
  expect(tryMount(['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs'], dir)).toBe(true);
  const out = execFileSync(process.execPath, [path.join(fixtures, 'lmdb-fill.cjs'), path.join(dir, 'db')], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').pop()!) as FillReport;
}

describe('disk full (a 1 MB tmpfs)', () => {
  let report: FillReport | undefined;
  const filled = () => (report ??= fillUntilFull());

  it.skipIf(!canMount)('the write that does not fit fails through its callback; stored sessions still read', () => {
    const { written, failure, firstReads } = filled();
    expect(written).toBeGreaterThan(10);
    expect(failure).toBeDefined();
    expect(failure!.message).toMatch(/commit failed/i);
    expect(firstReads).toBe(20000);
  });

  // lmdb rejects a marker write of its own per-turn batching and the error's `commitError`
  // promise; unhandled, Node's default mode would end the app. The store turns that batching
  // off, handles `commitError` and fails the write with ERR_SESSION_STORE_WRITE naming the cause.
  it.skipIf(!canMount)('no unhandled rejection, and an error with a code that names the cause', () => {
    const { failure, unhandled } = filled();
    expect(unhandled).toEqual([]);
    expect(failure!.code).toMatch(/^ERR_SESSION_/);
  });
});

describe('several processes writing one session', () => {
  it('never corrupt it: every read is one whole version, and the last write wins', async () => {
    const dir = tempStorePath();
    const writers = ['a', 'b', 'c'];
    const count = 150;
    const children = writers.map((w) => fork(path.join(fixtures, 'lmdb-writer.cjs'), [dir, w, String(count)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    await Promise.all(children.map((c) => new Promise((r) => c.once('message', r))));
    const exits = children.map((c) => new Promise<number | null>((r) => c.once('exit', r)));
    children.forEach((c) => c.send('go'));
    const store = new session.LmdbStore({ path: dir, sweepInterval: 0 });
    const seen = new Set<string>();
    let reads = 0;
    let running = true;
    void Promise.all(exits).then(() => (running = false));
    while (running) {
      const stored: any = await new Promise((r, j) => store.get('shared', (err, s) => (err ? j(err) : r(s))));
      if (stored) {
        reads++;
        // Whole: the padding is all the writer's letter and as long as that version wrote it.
        expect(stored.pad).toBe(stored.writer.repeat(500 + ((stored.seq * 37) % 3000)));
        seen.add(stored.writer);
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(exits)).toEqual([0, 0, 0]);
    const last: any = await new Promise((r) => store.get('shared', (_e, s) => r(s)));
    expect(last.seq).toBe(count - 1);
    expect(writers).toContain(last.writer);
    expect(reads).toBeGreaterThan(0);
    await store.close();
  });
});
