/**
 * Counts, per tag, how many DISTINCT sites have a request "in flight" at the same time.
 * A site is in flight from the start of its first request until `idleMs` after its last response
 * ended with no new request in between; so one sequential crawl (robots, pages, politeness pauses
 * shorter than idleMs) is one continuous in-flight domain. The maximum is exact: it is updated at
 * every transition, not sampled.
 */
export interface TimerApi {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: TimerApi = {
  set: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface SiteState {
  tag: string;
  active: number;
  idleTimer: unknown;
}

export class ConcurrencyTracker {
  private readonly sites = new Map<string, SiteState>();
  private readonly current = new Map<string, number>();
  private readonly max = new Map<string, number>();

  constructor(
    private readonly idleMs: number,
    private readonly timers: TimerApi = realTimers,
  ) {}

  /** A request of `site` started. */
  begin(site: string, tag: string): void {
    let state = this.sites.get(site);
    if (!state) {
      state = { tag, active: 0, idleTimer: undefined };
      this.sites.set(site, state);
      const now = (this.current.get(tag) ?? 0) + 1;
      this.current.set(tag, now);
      if (now > (this.max.get(tag) ?? 0)) this.max.set(tag, now);
    } else if (state.idleTimer !== undefined) {
      this.timers.clear(state.idleTimer);
      state.idleTimer = undefined;
    }
    state.active += 1;
  }

  /** A response of `site` ended (finished or aborted). Call exactly once per begin(). */
  end(site: string): void {
    const state = this.sites.get(site);
    if (!state || state.active === 0) return;
    state.active -= 1;
    if (state.active > 0) return;
    state.idleTimer = this.timers.set(() => this.leave(site, state), this.idleMs);
  }

  private leave(site: string, state: SiteState): void {
    if (this.sites.get(site) !== state || state.active > 0) return;
    this.sites.delete(site);
    this.current.set(state.tag, Math.max(0, (this.current.get(state.tag) ?? 0) - 1));
  }

  maxConcurrent(tag: string): number {
    return this.max.get(tag) ?? 0;
  }

  inFlight(tag: string): number {
    return this.current.get(tag) ?? 0;
  }

  /** Snapshot of the maxima, by tag. */
  maxima(): Record<string, number> {
    return Object.fromEntries(this.max);
  }

  /** Forgets the maxima; sites still in flight count as the new starting point. */
  resetMaxima(): void {
    this.max.clear();
    for (const [tag, count] of this.current) if (count > 0) this.max.set(tag, count);
  }

  /** Clears all timers (server shutdown). */
  dispose(): void {
    for (const state of this.sites.values()) {
      if (state.idleTimer !== undefined) this.timers.clear(state.idleTimer);
    }
    this.sites.clear();
    this.current.clear();
  }
}
