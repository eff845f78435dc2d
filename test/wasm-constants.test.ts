/**
 * Constants shared across the Wasm boundary are defined once, in
 * the AssemblyScript module, exported as globals and read by its bridge in
 * src/wasm/: none is copied by hand.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LruStoreEngine } from '../src/wasm/lru-store';

const root = path.resolve(__dirname, '..');

function moduleGlobals(): Record<string, number> {
  const module = new WebAssembly.Module(readFileSync(path.join(root, 'build/lru-store.wasm')));
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(new WebAssembly.Instance(module, {}).exports)) {
    if (value instanceof WebAssembly.Global) out[name] = value.value as number;
  }
  return out;
}

describe('Wasm constants: one definition', () => {
  it('the engine uses exactly the globals build/lru-store.wasm exports', () => {
    const globals = moduleGlobals();
    const { constants } = new LruStoreEngine(1 << 20, Infinity);
    expect(Object.keys(constants).sort()).toEqual(Object.keys(globals).sort());
    expect({ ...constants }).toEqual(globals);
  });

  it('the stats slots the bridge reads count what they name', () => {
    const engine = new LruStoreEngine(1 << 20, Infinity);
    engine.write('a', '{"cookie":{}}', Infinity);
    engine.write('b', '{"cookie":{}}', Infinity);
    expect(engine.read('a', Date.now())).toBe('{"cookie":{}}');
    expect(engine.read('missing', Date.now())).toBeUndefined();
    const stats = engine.stats();
    expect(stats).toMatchObject({ entries: 2, hits: 1, misses: 1, evictions: 0, expirations: 0 });
    expect(stats.bytes).toBeGreaterThan(0);
  });

  it('the bridges hold no hand-copied result code, stats offset or entry overhead', () => {
    const lru = readFileSync(path.join(root, 'src/wasm/lru-store.ts'), 'utf8');
    expect(lru).not.toMatch(/\b(TOUCH_[A-Z_]+|STAT_[A-Z_]+|STATS_LENGTH|ENTRY_OVERHEAD)\s*=\s*-?\d/);
    const kernel = readFileSync(path.join(root, 'src/wasm/cookie-kernel.ts'), 'utf8');
    expect(kernel).not.toMatch(/\bID_[A-Z_]+\s*=\s*-?\d/);
    expect(kernel).toMatch(/ID_NONE: number = wasm\.ID_NONE\.value/);
  });
});
