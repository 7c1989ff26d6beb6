import { Inject, Injectable } from '@nestjs/common';
import {
  type BatchStatus,
  createMessage,
  deterministicId,
  isTerminalBatchStatus,
  RETRY_DOMAINS_PER_EVENT,
} from '@trawl/contracts';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { MessagePublisher } from '@trawl/messaging';
import { Database } from '../common/database';
import { ApiError } from '../http/api-error';
import { BatchReadsService } from './batch-reads.service';
import { type RetryAcceptedDto } from './dto/batch-responses.dto';

interface EndedBatch {
  status: BatchStatus;
  failed_domains: number;
  retry_rounds: number;
  end_time: Date | null;
}

/**
 * Asks for a new round of attempts for the failed domains of an ended batch, through the log: the
 * scheduler reopens and dispatches them, the aggregator shows the batch running again.
 */
@Injectable()
export class BatchRetryService {
  constructor(
    private readonly reads: BatchReadsService,
    private readonly database: Database,
    private readonly publisher: MessagePublisher,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
  ) {}

  async retryFailed(tenant: string, batchId: string): Promise<RetryAcceptedDto> {
    const [batch] = await this.database.rows<EndedBatch>(
      `select status, failed_domains, retry_rounds, end_time from batches where id = $1 and tenant = $2`,
      [batchId, tenant],
    );
    if (!batch) {
      await this.reads.batchState(tenant, batchId); // 404 unless it was accepted and is not projected yet
      throw new ApiError(409, `batch ${batchId} has not started yet; retry-failed is for a batch that ended`);
    }
    this.assertRetryable(batchId, batch);
    // The projection of an ended batch is final (every event up to its end was applied), so these
    // are the domains and attempts both folds saw fail.
    const failed = await this.database.rows<{ domain: string; attempt: number }>(
      `select domain, attempt from batch_domains where batch_id = $1 and status = 'failed' order by ordinal`,
      [batchId],
    );
    const round = batch.retry_rounds + 1;
    const requestedAt = new Date();
    const parts = Math.ceil(failed.length / RETRY_DOMAINS_PER_EVENT);
    const events = Array.from({ length: parts }, (_, index) =>
      createMessage({
        type: 'batch.retry-requested',
        tenant,
        batchId,
        // A repeated request before the round shows in the projection is the same events, which consumers drop.
        id: deterministicId(batchId, 'retry-requested', round, index + 1),
        time: requestedAt,
        data: {
          requested_at: requestedAt.toISOString(),
          round,
          part: index + 1,
          parts,
          domains: failed.slice(index * RETRY_DOMAINS_PER_EVENT, (index + 1) * RETRY_DOMAINS_PER_EVENT),
        },
      }),
    );
    // One send: the parts go to the batch's partition together, in order.
    await this.publisher.publish(events);
    return { batch_id: batchId, status: 'retrying', round, domains: failed.length };
  }

  private assertRetryable(batchId: string, batch: EndedBatch): void {
    if (!isTerminalBatchStatus(batch.status)) {
      throw new ApiError(409, `batch ${batchId} is still ${batch.status}; retry-failed is for a batch that ended`);
    }
    if (batch.status === 'cancelled') {
      throw new ApiError(409, `batch ${batchId} was cancelled; submit its domains as a new batch instead`);
    }
    if (batch.failed_domains === 0) {
      throw new ApiError(409, `batch ${batchId} has no failed domains to retry`);
    }
    const retention = this.config.TRAWL_EVENTS_RETENTION_MS;
    if (batch.end_time && Date.now() - batch.end_time.getTime() > retention) {
      // Past retention the log and the scheduler's record of the batch may be gone.
      throw new ApiError(
        409,
        `batch ${batchId} ended more than ${Math.round(retention / 3_600_000)} h ago (TRAWL_EVENTS_RETENTION_MS); ` +
          'submit its failed domains as a new batch instead',
      );
    }
  }
}
