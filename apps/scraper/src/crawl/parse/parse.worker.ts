// Entry point of a parse thread (see parse.pool.ts): Piscina calls the default export per task.
import { workerData } from 'node:worker_threads';
import { createParseTaskRunner } from './parse.tasks';
import type { ParseWorkerData } from './parse.pool';

export default createParseTaskRunner((workerData as ParseWorkerData | undefined)?.robotsKept);
