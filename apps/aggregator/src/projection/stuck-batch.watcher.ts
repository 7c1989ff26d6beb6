import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { DATA_SOURCE, ensureInitialized, PeriodicRun } from '@trawl/persistence';
import { BATCH_STATUSES } from '@trawl/contracts';
import { batchesByStatus, LOG, type Log, stuckBatches } from '@trawl/telemetry';

/**
 * Marks the unfinished batches that stopped moving; selects the ones marked just now. (A CTE, so
 * that TypeORM hands back the rows: for a bare UPDATE it returns [rows, count].)
 */
const MARK_STUCK = `
  with marked as (
    update batches set stuck_since = updated_at + make_interval(secs => $1::float8 / 1000)
    where status in ('pending', 'running') and stuck_since is null
      and updated_at < now() - make_interval(secs => $1::float8 / 1000)
    returning id, tenant, status, updated_at)
  select * from marked`;
const COUNT_STUCK = `select count(*)::int as n from batches where status in ('pending', 'running') and stuck_since is not null`;
const COUNT_BY_STATUS = `select status, count(*)::int as n from batches group by status`;

/**
 * Finds batches that stopped making progress: unfinished, with no event projected for
 * TRAWL_STUCK_AFTER_MS. Each gets `stuck_since` (shown in its status document) and one warning
 * line; progress clears it (saveBatch). The metric counts the stuck ones at every check, and
 * trawl_batches the batches by status.
 */
@Injectable()
export class StuckBatchWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly periodic: PeriodicRun;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    const everyMs = Math.min(60_000, Math.max(500, Math.floor(config.TRAWL_STUCK_AFTER_MS / 4)));
    this.periodic = new PeriodicRun(everyMs, () => this.check());
  }

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.periodic.stop();
  }

  async check(): Promise<void> {
    try {
      await ensureInitialized(this.dataSource);
      const marked: { id: string; tenant: string; status: string; updated_at: Date }[] = await this.dataSource.query(
        MARK_STUCK,
        [this.config.TRAWL_STUCK_AFTER_MS],
      );
      for (const batch of marked) {
        this.log.warn(
          { batch_id: batch.id, tenant: batch.tenant, status: batch.status, last_progress: batch.updated_at },
          'batch stuck: no progress',
        );
      }
      const [count] = await this.dataSource.query<{ n: number }[]>(COUNT_STUCK);
      stuckBatches.set(count?.n ?? 0);
      const byStatus = await this.dataSource.query<{ status: string; n: number }[]>(COUNT_BY_STATUS);
      for (const status of BATCH_STATUSES) {
        batchesByStatus.set({ status }, byStatus.find((row) => row.status === status)?.n ?? 0);
      }
    } catch (error) {
      this.log.warn({ err: error }, 'stuck-batch check failed; will try again');
    }
  }
}
