import createDebug from 'debug';

/** Debug logging under the `wasm-session` namespace (DEBUG=wasm-session). Never log secrets. */
export const debug = createDebug('wasm-session');
