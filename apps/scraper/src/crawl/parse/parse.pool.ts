import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { robotsParsed } from '@trawl/telemetry';
import { Slots } from '../../slots';
import { ClassifiedError } from '../errors/crawl-error';
import { Deadline } from '../fetch/deadline';
import type { ParseResultOf, ParseTask } from './parse.tasks';
import type { RobotsKept } from './parsed-robots';

export interface ParsePoolOptions {
  /** Worker threads; 0 means one per core (`os.availableParallelism()`). */
  threads: number;
  /** How long one task may run on its thread before the thread is stopped. */
  taskBudgetMs: number;
  /** Old-generation heap of each worker thread, in MiB. */
  workerHeapMb?: number;
  /** Parsed robots.txt each thread keeps (robotsKeptFor the crawls in flight); DEFAULT_ROBOTS_KEPT by default. */
  robotsKept?: RobotsKept;
}

/** What each parse thread is started with. */
export interface ParseWorkerData {
  robotsKept?: RobotsKept;
}

// Compiled code runs the compiled worker; TypeScript sources (tests) run the TypeScript worker
// through @swc-node/register (a devDependency, never needed in dist/).
const compiled = __filename.endsWith('.js');
const WORKER_FILE = path.join(__dirname, compiled ? 'parse.worker.js' : 'parse.worker.ts');
const WORKER_EXEC_ARGV = compiled ? [] : ['--require', '@swc-node/register'];

/**
 * Runs parsing and extraction of untrusted content (HTML, sitemaps, robots.txt) on worker threads,
 * so the event loop keeps serving health checks and Kafka heartbeats whatever a page does.
 * A task that outruns its budget has its thread terminated (V8 stops even a running regex) and
 * fails with the class 'parse_budget_exceeded' (not retryable: the same page costs the same next
 * time); the pool starts a fresh thread in its place.
 *
 * Tasks wait in `slots` rather than in Piscina's queue, so a task's budget starts when a thread
 * takes it, not when it was submitted.
 */
export class ParsePool {
  readonly threads: number;
  private readonly budgetMs: number;
  private readonly piscina: Piscina;
  private readonly slots: Slots;

  constructor(options: ParsePoolOptions) {
    this.threads = options.threads > 0 ? options.threads : os.availableParallelism();
    this.budgetMs = options.taskBudgetMs;
    this.slots = new Slots(this.threads);
    this.piscina = new Piscina({
      filename: WORKER_FILE,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      execArgv: WORKER_EXEC_ARGV,
      workerData: { robotsKept: options.robotsKept } satisfies ParseWorkerData,
      // A small young generation: parse garbage is short-lived, and each thread's RSS drops ~9 MB.
      resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb ?? 256, maxYoungGenerationSizeMb: 8 },
    });
  }

  /** Tasks waiting for a thread. */
  get waiting(): number {
    return Math.max(0, this.slots.waiting);
  }

  async run<T extends ParseTask>(task: T, signal?: AbortSignal): Promise<ParseResultOf<T>> {
    signal?.throwIfAborted();
    return this.slots.run(async () => {
      signal?.throwIfAborted();
      const budget = new Deadline(this.budgetMs, [signal]);
      try {
        const result = (await this.piscina.run(task, {
          signal: budget.signal,
          transferList: ownedBuffers(task),
        })) as ParseResultOf<T>;
        if ('robotsParsed' in result && result.robotsParsed) robotsParsed.inc();
        return result;
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (budget.expired) {
          throw new ClassifiedError(
            'parse_budget_exceeded',
            `parsing ${describe(task)} took longer than ${this.budgetMs} ms`,
          );
        }
        if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
          throw new ClassifiedError(
            'parse_budget_exceeded',
            `parsing ${describe(task)} ran out of its worker's memory`,
            {
              cause: error,
            },
          );
        }
        throw error;
      } finally {
        budget.dispose();
      }
    });
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}

/**
 * A body that owns its whole ArrayBuffer moves to the thread instead of being copied (the caller
 * is done with it). A view into a shared buffer (Node's pool for small Buffers) is copied.
 */
function ownedBuffers(task: ParseTask): ArrayBuffer[] {
  if (task.task === 'robots') return [];
  const { body } = task;
  const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  return whole && body.buffer instanceof ArrayBuffer ? [body.buffer] : [];
}

function describe(task: ParseTask): string {
  return `${task.task} ${task.url.slice(0, 200)}`;
}
