import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { PeriodicRun } from '@trawl/persistence';
import { LOG, type Log } from '@trawl/telemetry';
import { BatchFlowService } from './batch-flow.service';

/** Durable timers: retries and attempt deadlines live in scheduler_domains.due_at, polled here. */
@Injectable()
export class TimerLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly periodic: PeriodicRun;
  private healthy = true;

  constructor(
    private readonly flow: BatchFlowService,
    @Inject(TRAWL_CONFIG) config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.periodic = new PeriodicRun(config.SCHEDULER_TIMER_INTERVAL_MS, () => this.tick());
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  private async tick(): Promise<void> {
    const now = new Date();
    try {
      const batches = await this.flow.batchesWithDueTimers(now, 100);
      for (const batchId of batches) await this.flow.onTimers(batchId, now);
      this.healthy = true;
    } catch (error) {
      if (this.healthy) this.log.error({ err: error }, 'timer tick failed; retrying on the next tick');
      this.healthy = false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }
}
