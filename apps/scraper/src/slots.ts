import { FairQueue } from './fair-queue';

/**
 * Bounds how many tasks run at once (crawls per process, parse tasks per pool). The rest wait in
 * lanes (a task's `lane`, e.g. [tenant, batch]) served round-robin, in order within a lane.
 */
export class Slots {
  private active = 0;
  private readonly queue = new FairQueue<() => void>();

  constructor(private readonly limit: number) {}

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.size;
  }

  async run<T>(work: () => Promise<T>, lane: readonly string[] = []): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(lane, resolve));
    else this.active += 1;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active -= 1;
    }
  }
}
