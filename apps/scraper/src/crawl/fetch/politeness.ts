import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Per-host politeness for one sequential crawl: the next request to a host starts no sooner than
 * `delayMs` after the previous request to that host finished.
 */
export class Politeness {
  private readonly lastDone = new Map<string, number>();

  constructor(
    private readonly delayMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** How long a request to `host` would have to wait right now. */
  waitTimeMs(host: string): number {
    const last = this.lastDone.get(host.toLowerCase());
    if (last === undefined || this.delayMs <= 0) return 0;
    return Math.max(0, last + this.delayMs - this.now());
  }

  async wait(host: string, signal?: AbortSignal): Promise<void> {
    const ms = this.waitTimeMs(host);
    if (ms > 0) await sleep(ms, undefined, { signal });
    signal?.throwIfAborted();
  }

  done(host: string): void {
    this.lastDone.set(host.toLowerCase(), this.now());
  }
}
