import path from 'node:path';
import { wasmMissing } from '../errors';

/** The generated module holding every kernel's bytes (scripts/build-wasm.mjs); src/wasm and dist/wasm both sit two levels below the package root. */
const EMBEDDED_FILE = path.join(__dirname, '..', '..', 'build', 'embedded-wasm.js');

const modules = new Map<string, WebAssembly.Module>();
let embedded: Readonly<Record<string, string>> | undefined;

/**
 * The compiled module for the kernel `name` (assembly/<name>.ts), compiled
 * synchronously once per process so that `require('wasm-session')` needs no
 * await. The bytes are embedded as base64 in a JavaScript module that is
 * required with a literal path, so a bundler that follows require() puts
 * them in the bundle: no .wasm file has to be found next to the code at run
 * time, wherever the bundler puts it.
 */
export function loadWasmModule(name: string): WebAssembly.Module {
  let module = modules.get(name);
  if (module === undefined) {
    const base64 = embeddedKernels()[name];
    if (base64 === undefined) throw wasmMissing(EMBEDDED_FILE, `it holds no kernel named "${name}"`);
    module = new WebAssembly.Module(Buffer.from(base64, 'base64'));
    modules.set(name, module);
  }
  return module;
}

/** A fresh instance of the kernel `name` with its own linear memory. */
export function instantiateWasm(name: string, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  return new WebAssembly.Instance(loadWasmModule(name), imports);
}

function embeddedKernels(): Readonly<Record<string, string>> {
  if (embedded === undefined) {
    try {
      // Literal, so that bundlers inline it.
      embedded = require('../../build/embedded-wasm.js') as Record<string, string>;
    } catch (cause) {
      throw wasmMissing(EMBEDDED_FILE, 'the installed package is incomplete (reinstall wasm-session), or a deployment copied dist/ without build/', cause);
    }
  }
  return embedded;
}
