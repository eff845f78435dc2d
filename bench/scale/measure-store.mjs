// One scale measurement in a fresh process, so heap figures belong to one store:
// `node --expose-gc measure-store.mjs <store> <sessions> <gets>`.
// Prints one JSON row { store, sessions, heapUsedMB, rssMB, p99GetUs } on stdout.
import { storeById } from '../lib/stores.mjs';
import { fillAndMeasure } from './fill-and-measure.mjs';

const [storeId, sessionsArg, getsArg] = process.argv.slice(2);
const definition = storeById(storeId);
const sessions = Number(sessionsArg);
// Our MemoryStore gets room for a million sessions, so every store holds the same data rather than measuring eviction.
const { store, close } = definition.create({ maxBytes: 1024 * 1024 * 1024 });
const figures = await fillAndMeasure(store, { sessions, gets: Number(getsArg) });
await close();
process.stdout.write(`${JSON.stringify({ store: definition.title, sessions, ...figures })}\n`);
