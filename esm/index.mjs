// ESM entry: the same objects as require('wasm-session'), as default and named exports.
import session from '../dist/index.js';

export default session;
export const { Store, MemoryStore, RedisStore, Cookie, Session } = session;
export const { LmdbStore } = session;
