import depd from 'depd';

/** Deprecation warnings, printed once per call site as express-session does. */
export const deprecate = depd('wasm-session');
