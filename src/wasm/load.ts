import { readFileSync } from 'node:fs';
import path from 'node:path';

const modules = new Map<string, WebAssembly.Module>();

/**
 * The compiled module for `build/<name>.wasm`, compiled synchronously once
 * per process so that `require('wasm-session')` needs no await. Both
 * `src/wasm` (tests) and `dist/wasm` (the package) sit two levels below the
 * package root, next to `build/`.
 */
export function loadWasmModule(name: string): WebAssembly.Module {
  let module = modules.get(name);
  if (module === undefined) {
    const file = path.join(__dirname, '..', '..', 'build', `${name}.wasm`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (cause) {
      throw new Error(`wasm-session: ${file} is missing; run "npm run build"`, { cause });
    }
    module = new WebAssembly.Module(bytes);
    modules.set(name, module);
  }
  return module;
}

/** A fresh instance of `build/<name>.wasm` with its own linear memory. */
export function instantiateWasm(name: string, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  return new WebAssembly.Instance(loadWasmModule(name), imports);
}
