// A contender's bench server that can profile itself on request:
// `node profile-server.mjs <contender> <config>`. Besides server.mjs's
// protocol it answers { type: 'profile-start', allocations? } and
// { type: 'profile-stop', cpuProfilePath? }: the inspector's CPU profiler,
// v8.GCProfiler and (with allocations) the sampling heap profiler run between
// the two, so warm-up is never in the profile.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import { contenderById } from '../lib/contenders.mjs';
import { SERVER_CONFIGS } from '../lib/http-scenarios.mjs';
import { allocatedBytes } from '../lib/gc-accounting.mjs';
import { serveContender } from '../e2e/serve.mjs';

const [contenderId, configId = 'default', intervalUs = '100'] = process.argv.slice(2);
const config = SERVER_CONFIGS[configId];
if (!config) throw new Error(`unknown server config "${configId}"`);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: Number(intervalUs) });

let running = null;
process.on('message', async (message) => {
  if (message?.type === 'profile-start') {
    const gcProfiler = new v8.GCProfiler();
    gcProfiler.start();
    const usedBefore = v8.getHeapStatistics().used_heap_size;
    if (message.allocations) {
      // Objects collected later are kept in the profile: a request's garbage is what we are after.
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 1024,
        includeObjectsCollectedByMinorGC: true,
        includeObjectsCollectedByMajorGC: true,
      });
    }
    await session.post('Profiler.start');
    running = { gcProfiler, usedBefore, allocations: Boolean(message.allocations) };
    process.send({ type: 'profile-start' });
  }
  if (message?.type === 'profile-stop' && running) {
    const { profile } = await session.post('Profiler.stop');
    const heapProfile = running.allocations ? (await session.post('HeapProfiler.stopSampling')).profile : undefined;
    const usedAfter = v8.getHeapStatistics().used_heap_size;
    const gc = running.gcProfiler.stop();
    const { usedBefore } = running;
    running = null;
    if (message.cpuProfilePath) writeFileSync(message.cpuProfilePath, JSON.stringify(profile));
    const gcUs = gc.statistics.reduce((sum, s) => sum + s.cost, 0);
    process.send({
      type: 'profile-stop',
      profile,
      heapProfile,
      gcUs,
      gcCount: gc.statistics.length,
      allocatedBytes: allocatedBytes(usedBefore, usedAfter, gc.statistics),
    });
  }
});

// BENCH_REDIS_URL: a redis-server for the Redis contenders; the other stores ignore it.
const port = await serveContender(contenderById(contenderId).create({ redisUrl: process.env.BENCH_REDIS_URL }, config.middlewareOptions));
process.send({ type: 'listening', port, pid: process.pid });
