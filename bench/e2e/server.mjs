// One contender's app in its own process: `node server.mjs <contender> <config>`,
// config one of bench/lib/http-scenarios.mjs SERVER_CONFIGS (default, touch, fresh).
// Reports { type: 'listening', port, pid } over IPC, then answers stats requests.
import { contenderById } from '../lib/contenders.mjs';
import { SERVER_CONFIGS } from '../lib/http-scenarios.mjs';
import { serveContender } from './serve.mjs';

const [contenderId, configId = 'default'] = process.argv.slice(2);
const config = SERVER_CONFIGS[configId];
if (!config) throw new Error(`unknown server config "${configId}" (known: ${Object.keys(SERVER_CONFIGS).join(', ')})`);
// BENCH_REDIS_URL: the Redis section's redis-server; the other stores ignore it.
const port = await serveContender(contenderById(contenderId).create({ redisUrl: process.env.BENCH_REDIS_URL }, config.middlewareOptions));
process.send({ type: 'listening', port, pid: process.pid });
