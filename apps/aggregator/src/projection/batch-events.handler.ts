import { Inject, Injectable } from '@nestjs/common';
import { type DataSource } from 'typeorm';
import { type AnyMessage, type BatchEvent, BATCH_EVENT_TYPES, domainOf, wellFormedDeep } from '@trawl/contracts';
import { Consumes, type MessageHandlerProvider, NonRetryableError } from '@trawl/messaging';
import { DATA_SOURCE, ensureInitialized, markProcessed } from '@trawl/persistence';
import { projectEvent } from './projection.projector';
import { ProjectionStore } from './projection.store';

const CONSUMER = 'aggregator';

/**
 * Projects the batch-events log into Postgres. Each event is applied in one transaction together
 * with its id in processed_events: a redelivered or replayed event changes nothing.
 */
@Injectable()
@Consumes({ group: 'aggregator', topics: ['batchEvents'], types: BATCH_EVENT_TYPES, concurrency: 1 })
export class BatchEventsProjectionHandler implements MessageHandlerProvider {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async handle(message: AnyMessage): Promise<void> {
    if (message.type === 'domain.scrape') return;
    await ensureInitialized(this.dataSource);
    await this.dataSource.transaction(async (em) => {
      if (!(await markProcessed(em, CONSUMER, message.id))) return;
      // Producers make text well-formed at the source; the projection does not depend on it.
      await this.project(new ProjectionStore(em), wellFormedDeep(message));
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
