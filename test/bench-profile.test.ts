import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { selfTimeByFunction, selfTimeByNode, selfTimeByStage, stageOfFrame } from '../bench/lib/cpu-profile.mjs';
// @ts-expect-error plain ESM module of the bench suite, no type declarations
import { mergeWindows } from '../bench/profile/merge.mjs';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('session', 'file:///repo/dist/middleware.js', 45) },
    { id: 3, callFrame: frame('(garbage collector)') },
    { id: 4, callFrame: frame('send', 'file:///repo/node_modules/express/lib/response.js', 110) },
    // The same function reached through another call path: one row with node 2.
    { id: 5, callFrame: frame('session', 'file:///repo/dist/middleware.js', 45) },
  ],
  // Gaps before each sample: sample i lasts until sample i + 1.
  samples: [2, 3, 2, 4, 5],
  timeDeltas: [0, 100, 300, 50, 150],
};

describe('bench CPU profile reading', () => {
  it('gives each sample the time until the next one, the last one the mean gap', () => {
    const self = selfTimeByNode(profile);
    // node 2: 100 (first) + 50 (third); node 3: 300; node 4: 150; node 5: last, mean of 100,300,50,150 = 150.
    expect(Object.fromEntries(self)).toEqual({ 2: 150, 3: 300, 4: 150, 5: 150 });
  });

  it('adds up one function across call paths, heaviest first, with 1-based lines', () => {
    const rows = selfTimeByFunction(profile);
    expect(rows.map((r: { name: string; selfUs: number }) => [r.name, r.selfUs])).toEqual([
      ['session', 300],
      ['(garbage collector)', 300],
      ['send', 150],
    ]);
    expect(rows[0].line).toBe(46);
  });

  it('sums per stage', () => {
    const stages = selfTimeByStage(selfTimeByFunction(profile));
    expect(stages).toContainEqual({ stage: 'wasm-session: TypeScript (dist/)', selfUs: 300 });
    expect(stages).toContainEqual({ stage: 'garbage collection', selfUs: 300 });
    expect(stages).toContainEqual({ stage: 'Express and its dependencies', selfUs: 150 });
  });

  it('attributes frames by where their code lives', () => {
    expect(stageOfFrame(frame('hash', 'file:///r/node_modules/express-session/index.js'))).toBe('express-session');
    expect(stageOfFrame(frame('onHeaders', 'file:///r/node_modules/on-headers/index.js'))).toBe('on-headers');
    expect(stageOfFrame(frame('parse', 'file:///r/node_modules/cookie/index.js'))).toMatch(/^session helpers/);
    expect(stageOfFrame(frame('debug', 'file:///r/node_modules/debug/src/common.js'))).toMatch(/^shared helpers/);
    expect(stageOfFrame(frame('verify', 'wasm://wasm/abc123'))).toBe('wasm-session: Wasm kernels');
    expect(stageOfFrame(frame('writev', ''))).toBe('Node.js core (http, net, streams)');
    expect(stageOfFrame(frame('end', 'node:_http_outgoing'))).toBe('Node.js core (http, net, streams)');
    expect(stageOfFrame(frame('handler', 'file:///r/bench/lib/app.mjs'))).toBe('bench app and server');
    expect(stageOfFrame(frame('x', 'file:///r/node_modules/lmdb/dist/index.cjs'))).toBe('other packages');
  });
});

describe('bench profile windows', () => {
  const window = (cpu: number, functions: Array<[string, number]>) => ({
    reqPerSec: 1e6 / cpu,
    cpuUsPerReq: cpu,
    gcUsPerReq: cpu / 10,
    bytesPerReq: cpu * 100,
    functions: functions.map(([name, usPerReq]) => ({ name, url: 'u', line: 1, stage: 's', usPerReq })),
    stages: [{ stage: 's', usPerReq: functions.reduce((sum, [, us]) => sum + us, 0) }],
  });

  it('takes medians per figure and per function, a window without a function counting as zero', () => {
    const merged = mergeWindows(new Map([['ours', [window(100, [['a', 10], ['b', 4]]), window(140, [['a', 30]]), window(120, [['a', 20], ['b', 6]])]]]));
    const ours = merged.get('ours');
    expect(ours.cpuUsPerReq).toBe(120);
    expect(ours.bytesPerReq).toBe(12_000);
    expect(ours.functions.map((f: { name: string; usPerReq: number }) => [f.name, f.usPerReq])).toEqual([['a', 20], ['b', 4]]);
    expect(ours.stages).toEqual([{ stage: 's', usPerReq: 26 }]);
  });
});

describe('bench heap profile reading', () => {
  it('adds up sampled bytes per function across call paths, heaviest first, by stage', async () => {
    // @ts-expect-error plain ESM module of the bench suite, no type declarations
    const { allocationByFunction } = await import('../bench/lib/heap-profile.mjs');
    // @ts-expect-error plain ESM module of the bench suite, no type declarations
    const { sumByStage } = await import('../bench/lib/cpu-profile.mjs');
    const node = (callFrame: object, selfSize: number, children: object[] = []) => ({ callFrame, selfSize, children });
    const profile = {
      head: node(frame('(root)'), 0, [
        node(frame('session', 'file:///repo/dist/middleware.js', 45), 4096, [node(frame('parse', 'file:///r/node_modules/cookie/index.js', 99), 1024)]),
        node(frame('send', 'file:///r/node_modules/express/lib/response.js', 110), 2048, [
          node(frame('session', 'file:///repo/dist/middleware.js', 45), 1024),
        ]),
      ]),
    };
    const rows = allocationByFunction(profile);
    expect(rows.map((r: { name: string; bytes: number }) => [r.name, r.bytes])).toEqual([['session', 5120], ['send', 2048], ['parse', 1024]]);
    expect(sumByStage(rows, 'bytes')[0]).toEqual({ stage: 'wasm-session: TypeScript (dist/)', bytes: 5120 });
  });
});
