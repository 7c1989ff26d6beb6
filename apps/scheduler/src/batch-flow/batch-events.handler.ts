import { Injectable } from '@nestjs/common';
import { type AnyMessage, type BatchEventType } from '@trawl/contracts';
import { Consumes, type MessageHandlerProvider } from '@trawl/messaging';
import { BatchFlowService } from './batch-flow.service';

const BATCH_EVENTS: BatchEventType[] = [
  'batch.requested',
  'batch.cancel-requested',
  'batch.started',
  'domain.queued',
  'domain.started',
  'domain.scraped',
  'domain.failed',
  'domain.timed-out',
];

/** Reads the batch-events log in order, one partition at a time. */
@Injectable()
@Consumes({ group: 'scheduler', topics: ['batchEvents'], types: BATCH_EVENTS, concurrency: 1 })
export class BatchEventsHandler implements MessageHandlerProvider {
  constructor(private readonly flow: BatchFlowService) {}

  async handle(message: AnyMessage): Promise<void> {
    if (message.type === 'domain.scrape') return;
    await this.flow.onEvent(message);
  }
}
