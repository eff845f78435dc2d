// One contender's app in its own process: `node server.mjs <contender> <scenario>`.
// Reports { type: 'listening', port } over IPC, then answers stats requests.
import { contenderById } from '../lib/contenders.mjs';
import { scenarioById } from '../lib/scenarios.mjs';
import { serveContender } from './serve.mjs';

const [contenderId, scenarioId] = process.argv.slice(2);
// The scenario only selects routes the app always has; checking it here
// catches a runner/server mismatch before any figure is taken.
scenarioById(scenarioId);
const port = await serveContender(contenderById(contenderId).create());
process.send({ type: 'listening', port });
