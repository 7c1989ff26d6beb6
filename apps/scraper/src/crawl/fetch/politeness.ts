import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Per-host politeness for one sequential crawl: the next request to a host starts no sooner than
 * `delayMs` (or the host's own Crawl-delay, if longer) after the previous request to it finished.
 */
export class Politeness {
  private readonly lastDone = new Map<string, number>();
  private readonly hostDelayMs = new Map<string, number>();

  constructor(
    private readonly delayMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Requests to `host` keep at least `delayMs` apart (a robots.txt Crawl-delay). */
  slowDown(host: string, delayMs: number): void {
    const key = host.toLowerCase();
    this.hostDelayMs.set(key, Math.max(delayMs, this.hostDelayMs.get(key) ?? 0));
  }

  /** How long a request to `host` would have to wait right now. */
  waitTimeMs(host: string): number {
    const key = host.toLowerCase();
    const last = this.lastDone.get(key);
    const delayMs = Math.max(this.delayMs, this.hostDelayMs.get(key) ?? 0);
    if (last === undefined || delayMs <= 0) return 0;
    return Math.max(0, last + delayMs - this.now());
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
