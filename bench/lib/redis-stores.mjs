// The Redis-backed session stores of the Redis section, each on its own
// node-redis client to the section's redis-server (BENCH_REDIS_URL, passed to
// the server process by the runner). Kept apart from stores.mjs's list, which
// the scale section fills in-process and which needs no Redis.
import { loadBuiltPackage, requireFromRoot } from './packages.mjs';

/** Near-cache size of the cached contender: the setting, far more than the bench's few sessions. */
export const NEAR_CACHE = { maxEntries: 10_000 };

/**
 * A client that queues commands until connected: create() stays synchronous
 * like the other stores', and the server's first request waits for the socket.
 */
function connectingClient(redisUrl) {
  if (!redisUrl) throw new Error('Redis stores need the redis-server URL (BENCH_REDIS_URL)');
  const client = requireFromRoot('redis').createClient({ url: redisUrl });
  client.on('error', (err) => console.error(`bench redis client: ${err.message}`));
  client.connect().catch(() => {}); // reported by the 'error' listener
  return client;
}

/** A store definition on its own client; `make(client)` builds the store, closed before the client. */
function redisStore(id, title, available, make) {
  return {
    id,
    title,
    available,
    create({ redisUrl } = {}) {
      const client = connectingClient(redisUrl);
      const store = make(client);
      return {
        store,
        async close() {
          await store.close?.();
          await client.close();
        },
      };
    },
  };
}

const hasRedisStore = () => typeof loadBuiltPackage().RedisStore === 'function';

/** @type {import('./stores.mjs').StoreDefinition[]} Prefixes differ so no store ever reads another's keys. */
export const REDIS_STORES = [
  redisStore('connect-redis', 'connect-redis', () => true, (client) => {
    const { RedisStore } = requireFromRoot('connect-redis');
    return new RedisStore({ client, prefix: 'bench-connect-redis:' });
  }),
  redisStore('ours-redis', 'wasm-session RedisStore', hasRedisStore, (client) =>
    new (loadBuiltPackage().RedisStore)({ client, prefix: 'bench-ours-redis:' })),
  redisStore('ours-redis-cache', 'wasm-session RedisStore, near-cache', hasRedisStore, (client) =>
    new (loadBuiltPackage().RedisStore)({ client, prefix: 'bench-ours-redis-cache:', cache: NEAR_CACHE })),
];
