import { MessagePublisher } from '@trawl/messaging';
import { Injectable } from '@nestjs/common';
import { createMessage, deterministicId, isTerminalBatchStatus } from '@trawl/contracts';
import { ApiError } from '../http/api-error';
import { BatchReadsService } from './batch-reads.service';
import { type CancelAcceptedDto } from './dto/batch-responses.dto';

/** Asks for a batch's cancellation through the log; the scheduler stops it and the aggregator records it. */
@Injectable()
export class BatchCancellationService {
  constructor(
    private readonly reads: BatchReadsService,
    private readonly publisher: MessagePublisher,
  ) {}

  async cancel(tenant: string, batchId: string, reason: string | undefined): Promise<CancelAcceptedDto> {
    const state = await this.reads.batchState(tenant, batchId);
    if (state !== 'accepted' && isTerminalBatchStatus(state.status)) {
      throw new ApiError(409, `batch ${batchId} already ended (${state.status}); there is nothing to cancel`);
    }
    const requestedAt = new Date();
    await this.publisher.publish([
      createMessage({
        type: 'batch.cancel-requested',
        tenant,
        batchId,
        // One cancel per batch: a repeated or retried request is the same event, which consumers drop.
        id: deterministicId(batchId, 'cancel-requested'),
        time: requestedAt,
        data: { requested_at: requestedAt.toISOString(), reason: reason ?? null },
      }),
    ]);
    return { batch_id: batchId, status: 'cancelling' };
  }
}
