import { Inject, Injectable } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { type AnyMessage, type BatchEvent, BATCH_EVENT_TYPES, domainOf, wellFormedDeep } from '@trawl/contracts';
import { Consumes, dependencyFailure, type MessageHandlerProvider, NonRetryableError } from '@trawl/messaging';
import { LOG, type Log } from '@trawl/telemetry';
import { DATA_SOURCE, ensureInitialized, markProcessed } from '@trawl/persistence';
import { projectEvent } from './projection.projector';
import { ProjectionStore } from './projection.store';
import { reducedEvent } from './reduced-event';

const CONSUMER = 'aggregator';

/**
 * Projects the batch-events log into Postgres. Each event is applied in one transaction together
 * with its id in processed_events: a redelivered or replayed event changes nothing. An event whose
 * payload Postgres refuses is applied without that payload (reducedEvent), never left unapplied.
 */
@Injectable()
@Consumes({ group: 'aggregator', topics: ['batchEvents'], types: BATCH_EVENT_TYPES, concurrency: 1 })
export class BatchEventsProjectionHandler implements MessageHandlerProvider {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOG) private readonly log: Log,
  ) {}

  async handle(message: AnyMessage): Promise<void> {
    if (message.type === 'domain.scrape') return;
    await ensureInitialized(this.dataSource);
    // Producers make text well-formed at the source; the projection does not depend on it.
    const event = wellFormedDeep(message);
    try {
      await this.apply(event);
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

  private async apply(event: BatchEvent): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      if (!(await markProcessed(em, CONSUMER, event.id))) return;
      await this.project(new ProjectionStore(em), event);
    });
  }

  private async project(store: ProjectionStore, event: BatchEvent): Promise<void> {
    if (event.type === 'batch.requested') {
      await store.insertBatch(event);
      return;
    }
    const batch = await store.lockBatch(event.batch_id);
    if (!batch) throw new NonRetryableError(`no batch.requested was projected for batch ${event.batch_id}`);
    const name = domainOf(event);
    const domains =
      event.type === 'batch.cancel-requested'
        ? await store.cancellableDomains(event.batch_id)
        : name === undefined
          ? []
          : await store.domains(event.batch_id, [name]);
    const result = projectEvent(batch, domains, event);
    if (result.batch === batch) return;
    await store.saveDomains(event.batch_id, result.changes, event.time);
    await store.saveBatch(event.batch_id, result.batch);
  }
}
