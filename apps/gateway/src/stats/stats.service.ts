import { Injectable } from '@nestjs/common';
import { BATCH_STATUSES, type BatchStatus } from '@trawl/contracts';
import { Database } from '../common/database';
import { badRequest } from '../http/api-error';
import { type StatsSummaryDto } from './stats.dto';
import { parseWindow } from './window';

interface StatusAggregate {
  status: BatchStatus;
  batches: number;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  pages: number;
  ended: number;
  processing_seconds: number;
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** The caller's batches created within a window, summed up. */
@Injectable()
export class StatsService {
  constructor(private readonly database: Database) {}

  async summary(tenant: string, rawWindow: string | undefined): Promise<StatsSummaryDto> {
    const window = parseWindow(rawWindow ?? '24h');
    if (!window) throw badRequest('window must be a number followed by m, h or d (e.g. 15m, 6h, 7d), at most 90d');
    const since = new Date(Date.now() - window.ms);
    const rows = await this.database.rows<StatusAggregate>(
      `select status,
              count(*)::int as batches,
              coalesce(sum(total_domains), 0)::float8 as total,
              coalesce(sum(succeeded_domains), 0)::float8 as succeeded,
              coalesce(sum(failed_domains), 0)::float8 as failed,
              coalesce(sum(cancelled_domains), 0)::float8 as cancelled,
              coalesce(sum(pages_scraped), 0)::float8 as pages,
              count(end_time)::int as ended,
              coalesce(sum(extract(epoch from end_time - coalesce(start_time, created_at)))
                filter (where end_time is not null), 0)::float8 as processing_seconds
       from batches where tenant = $1 and created_at >= $2
       group by status`,
      [tenant, since],
    );
    const byStatus = Object.fromEntries(BATCH_STATUSES.map((status) => [status, 0])) as Record<BatchStatus, number>;
    const sum = (pick: (row: StatusAggregate) => number) => rows.reduce((total, row) => total + pick(row), 0);
    for (const row of rows) byStatus[row.status] = row.batches;
    const succeeded = sum((row) => row.succeeded);
    const failed = sum((row) => row.failed);
    const ended = sum((row) => row.ended);
    return {
      window: window.label,
      batches_by_status: byStatus,
      domains: { total: sum((row) => row.total), succeeded, failed, cancelled: sum((row) => row.cancelled) },
      pages_scraped: sum((row) => row.pages),
      success_rate: succeeded + failed > 0 ? round(succeeded / (succeeded + failed), 4) : null,
      mean_processing_time_seconds: ended > 0 ? round(sum((row) => row.processing_seconds) / ended, 3) : null,
    };
  }
}
