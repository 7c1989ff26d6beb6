import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { LOG, type Log } from '@trawl/telemetry';
import { PeriodicRun } from '../periodic-run';
import { DATA_SOURCE, ensureInitialized } from '../persistence.module';

/** One table a service prunes: rows older than `before` go. */
export interface RetentionTask {
  name: string;
  prune(dataSource: DataSource, before: Date): Promise<number>;
}

export const RETENTION_TASKS = Symbol('RETENTION_TASKS');

/** Rows are kept this long past the events' retention: a Kafka segment outlives its retention a little. */
const MARGIN_MS = 24 * 3_600_000;

/**
 * Keeps a service's bookkeeping tables from growing without bound: every TRAWL_PRUNE_EVERY_MS it
 * deletes what is older than the events' retention (TRAWL_EVENTS_RETENTION_MS) plus a day. Past
 * that, no event the rows guard against can be delivered again, so nothing they decide is lost.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly periodic: PeriodicRun;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
    @Inject(RETENTION_TASKS) private readonly tasks: RetentionTask[],
  ) {
    this.periodic = new PeriodicRun(config.TRAWL_PRUNE_EVERY_MS, () => this.prune());
  }

  onApplicationBootstrap(): void {
    this.periodic.start({ now: true });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async prune(now = new Date()): Promise<void> {
    const before = new Date(now.getTime() - this.config.TRAWL_EVENTS_RETENTION_MS - MARGIN_MS);
    for (const task of this.tasks) {
      try {
        await ensureInitialized(this.dataSource);
        const deleted = await task.prune(this.dataSource, before);
        if (deleted > 0) this.log.info({ table: task.name, deleted, before }, 'pruned rows past retention');
      } catch (error) {
        this.log.warn({ err: error, table: task.name }, 'pruning failed; will try again');
      }
    }
  }
}
