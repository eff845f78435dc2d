// One contender's app in its own process: `node server.mjs <contender> <scenario>`.
// Reports { type: 'listening', port } over IPC, then answers stats requests.
import { createBenchApp } from '../lib/app.mjs';
import { contenderById } from '../lib/contenders.mjs';
import { scenarioById } from '../lib/scenarios.mjs';
import { answerRunner, listen, ownStats } from './serve.mjs';

const [contenderId, scenarioId] = process.argv.slice(2);
// The scenario only selects routes the app always has; checking it here
// catches a runner/server mismatch before any figure is taken.
scenarioById(scenarioId);
const instance = contenderById(contenderId).create();
const { server, port, counter } = await listen(createBenchApp(instance.middleware));

answerRunner({
  stats: () => ownStats(counter),
  close: async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await instance.close();
  },
});
process.send({ type: 'listening', port });
