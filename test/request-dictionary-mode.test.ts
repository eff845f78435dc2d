import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The middleware turns each request into dictionary mode before adding its
// own property (src/request/dictionary-mode.ts): on Express's re-parented
// requests every property added later would otherwise build a hidden class
// of its own per request. V8 shows this only through natives syntax, so the
// probe runs in its own process with that flag.
const probe = path.join(__dirname, 'fixtures/request-shape/probe.cjs');

type Pair = {
  /** A garbage collection ran between the two requests (V8 then empties its cache of normalized hidden classes). */
  gcBetween: boolean;
  fast: [boolean, boolean];
  sameShape: boolean;
  responseFast: [boolean, boolean];
  sameResponseShape: boolean;
  ownSymbols: string[];
};

function run(kind: 'express' | 'http'): Pair[] {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', probe, kind], { encoding: 'utf8' });
  return JSON.parse(out) as Pair[];
}

/**
 * Both objects of every pair in the given mode, and each kind sharing one
 * hidden class in every pair no garbage collection came between (there
 * must be such pairs; a collection empties V8's cache of normalized classes).
 */
function expectPairs(pairs: Pair[], fast: boolean): void {
  expect(pairs.length).toBeGreaterThan(0);
  for (const pair of pairs) {
    expect(pair.fast).toEqual([fast, fast]);
    expect(pair.responseFast).toEqual([fast, fast]);
  }
  const withoutGc = pairs.filter((pair) => !pair.gcBetween);
  expect(withoutGc.length).toBeGreaterThan(0);
  for (const pair of withoutGc) {
    expect(pair.sameShape).toBe(true);
    expect(pair.sameResponseShape).toBe(true);
  }
}

describe('request object shape', () => {
  it('Express requests and responses reach the handler in dictionary mode, each kind sharing one hidden class', () => {
    expectPairs(run('express'), false);
  });

  it('requests and responses never re-parented (plain http) keep fast properties and shared hidden classes', () => {
    expectPairs(run('http'), true);
  });

  it('leaves only the tracker symbol on the request, not the one that normalized it', () => {
    for (const kind of ['express', 'http'] as const) {
      for (const pair of run(kind)) expect(pair.ownSymbols).toEqual(['Symbol(wasm-session.request-tracker)']);
    }
  });
});
