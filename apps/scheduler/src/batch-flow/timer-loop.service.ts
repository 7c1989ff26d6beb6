import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { PeriodicRun } from '@trawl/persistence';
import { LOG, type Log } from '@trawl/telemetry';
import { BatchFlowService } from './batch-flow.service';

/** What readiness needs to know of the loop. */
export interface TimerLoopState {
  /** When a tick last went through (or the loop started, before the first one). */
  lastSuccessAt: number;
  /** When ticks started failing; null while they succeed. */
  failingSince: number | null;
}

/**
 * Ready while ticks go through: not when they fail, nor when none completed for a while (a tick
 * stuck on a hung query blocks the next ones, and due retries and deadlines with them).
 */
export function timerLoopReadiness(
  state: TimerLoopState,
  now: number,
  intervalMs: number,
): { ready: boolean; detail: string } {
  const staleAfterMs = Math.max(10_000, 5 * intervalMs);
  if (state.failingSince !== null) {
    return { ready: false, detail: `ticks failing for ${Math.round((now - state.failingSince) / 1000)} s` };
  }
  const age = now - state.lastSuccessAt;
  if (age > staleAfterMs) return { ready: false, detail: `no tick completed for ${Math.round(age / 1000)} s` };
  return { ready: true, detail: `last tick ${age} ms ago` };
}

/** Durable timers: retries and attempt deadlines live in scheduler_domains.due_at, polled here. */
@Injectable()
export class TimerLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly periodic: PeriodicRun;
  private readonly state: TimerLoopState = { lastSuccessAt: Date.now(), failingSince: null };
  private readonly intervalMs: number;

  constructor(
    private readonly flow: BatchFlowService,
    @Inject(TRAWL_CONFIG) config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.intervalMs = config.SCHEDULER_TIMER_INTERVAL_MS;
    this.periodic = new PeriodicRun(config.SCHEDULER_TIMER_INTERVAL_MS, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  readiness(now = Date.now()): { ready: boolean; detail: string } {
    return timerLoopReadiness(this.state, now, this.intervalMs);
  }

  private async tick(): Promise<void> {
    const now = new Date();
    try {
      const batches = await this.flow.batchesWithDueTimers(now, 100);
      for (const batchId of batches) await this.flow.onTimers(batchId, now);
      this.state.lastSuccessAt = Date.now();
      this.state.failingSince = null;
    } catch (error) {
      if (this.state.failingSince === null) {
        this.log.error({ err: error }, 'timer tick failed; retrying on the next tick');
        this.state.failingSince = Date.now();
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
