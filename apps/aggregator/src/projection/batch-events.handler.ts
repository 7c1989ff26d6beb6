import { Inject, Injectable } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { type BatchEvent, BATCH_EVENT_TYPES, type BatchEventType, wellFormedDeep } from '@trawl/contracts';
import { Consumes, type Delivered, dependencyFailure, NonRetryableError } from '@trawl/messaging';
import { LOG, type Log, projectionLag } from '@trawl/telemetry';
import { DATA_SOURCE, ensureInitialized } from '@trawl/persistence';
import { AGGREGATOR_CONSUMER, projectEvents, reducedEvent } from '@trawl/projection';

/**
 * Projects the batch-events log into Postgres. The events of one Kafka fetch are applied in one
 * transaction together with their ids in processed_events (handleBatch: each batch's rows read
 * and written once), so a redelivered or replayed event changes nothing. If that fails for
 * another reason than a dependency, the consumer hands the events over one by one (handle): an
 * event whose payload Postgres refuses is then applied without that payload (reducedEvent),
 * never left unapplied.
 */
@Injectable()
@Consumes({
  group: 'aggregator',
  topics: ['batchEvents'],
  types: BATCH_EVENT_TYPES,
  concurrency: 1,
  gatherPauseMs: (config) => config.AGGREGATOR_FETCH_WAIT_MS,
  // In a run of events handled together, each result and batch-level event also gets a span in its
  // own trace (a domain attempt's, the batch's); the read-backs of domain.queued and domain.started
  // do not (4 fewer spans per domain), the run's span links to them.
  traceEach: BATCH_EVENT_TYPES.filter((type) => type !== 'domain.queued' && type !== 'domain.started'),
})
export class BatchEventsProjectionHandler implements Consumes<BatchEventType> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOG) private readonly log: Log,
  ) {}

  async handleBatch(messages: readonly Delivered<BatchEventType>[]): Promise<void> {
    await ensureInitialized(this.dataSource);
    const events = messages.map(({ message }) => wellFormedDeep(message));
    await this.dataSource.transaction((em) => projectEvents(em, AGGREGATOR_CONSUMER, events));
    const now = Date.now();
    for (const event of events) projectionLag.observe(Math.max(0, now - Date.parse(event.time)) / 1000);
  }

  async handle(message: BatchEvent): Promise<void> {
    await ensureInitialized(this.dataSource);
    // Producers make text well-formed at the source; the projection does not depend on it.
    const event = wellFormedDeep(message);
    try {
      await this.apply(event);
      projectionLag.observe(Math.max(0, Date.now() - Date.parse(event.time)) / 1000);
    } catch (error) {
      if (dependencyFailure(error) !== undefined || error instanceof NonRetryableError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(
        { err: error, batch_id: event.batch_id, type: event.type, event_id: event.id },
        'event could not be projected as it is; projecting it without its payload',
      );
      await this.apply(reducedEvent(event, reason));
    }
  }

  /** One event in its own transaction: a fetch of one. */
  private async apply(event: BatchEvent): Promise<void> {
    await this.dataSource.transaction((em) => projectEvents(em, AGGREGATOR_CONSUMER, [event]));
  }
}
