import { Injectable } from '@nestjs/common';
import { BATCH_EVENT_TYPES, type BatchEvent, type BatchEventType, wellFormedDeep } from '@trawl/contracts';
import { Consumes, type Delivered } from '@trawl/messaging';
import { BatchFlowService } from './batch-flow.service';

/** Reads the batch-events log in order, one partition at a time, a fetch's events decided together. */
@Injectable()
@Consumes({
  group: 'scheduler',
  topics: ['batchEvents'],
  types: BATCH_EVENT_TYPES,
  concurrency: 1,
  gatherPauseMs: (config) => config.SCHEDULER_FETCH_WAIT_MS,
  // In a run of events handled together, each result and batch-level event also gets a span in its
  // own trace (a domain attempt's, the batch's); the read-backs of domain.queued and domain.started
  // do not (4 fewer spans per domain), the run's span links to them.
  traceEach: BATCH_EVENT_TYPES.filter((type) => type !== 'domain.queued' && type !== 'domain.started'),
})
export class BatchEventsHandler implements Consumes<BatchEventType> {
  constructor(private readonly flow: BatchFlowService) {}

  async handle(event: BatchEvent): Promise<void> {
    // Producers make text well-formed at the source; the scheduler's own rows do not depend on it.
    await this.flow.onEvent(wellFormedDeep(event));
  }

  async handleBatch(messages: readonly Delivered<BatchEventType>[]): Promise<void> {
    const traceHeaders = new Map(messages.map(({ message, traceHeaders }) => [message.id, traceHeaders]));
    const events = messages.map(({ message }) => wellFormedDeep(message));
    await this.flow.onEvents(events, (event) => traceHeaders.get(event.id) ?? {});
  }
}
