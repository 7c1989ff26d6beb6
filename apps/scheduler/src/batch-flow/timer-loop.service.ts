import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { LOG, type Log } from '@trawl/telemetry';
import { BatchFlowService } from './batch-flow.service';

/** Durable timers: retries and attempt deadlines live in scheduler_domains.due_at, polled here. */
@Injectable()
export class TimerLoopService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private healthy = true;

  constructor(
    private readonly flow: BatchFlowService,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => (this.running = undefined));
    }, this.config.SCHEDULER_TIMER_INTERVAL_MS);
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
    clearInterval(this.timer);
    await this.running;
  }
}
