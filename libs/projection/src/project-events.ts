import { type EntityManager } from 'typeorm';
import { type BatchEvent, domainOf } from '@trawl/contracts';
import { freshByBatch, markProcessedMany } from '@trawl/persistence';
import { NonRetryableError } from '@trawl/messaging';
import { foldEvents } from './projection.projector';
import { ProjectionStore } from './projection.store';

/** The aggregator's name in processed_events. */
export const AGGREGATOR_CONSUMER = 'aggregator';

/**
 * Applies a run of events to the projection in the caller's transaction: their ids recorded at
 * once (those seen before change nothing), then each batch's events in log order, its rows read
 * once and written once. The aggregator runs it on a Kafka fetch; `trawl replay` on the whole log,
 * into a schema of its own (the tables are named unqualified: the transaction's search_path decides).
 */
export async function projectEvents(em: EntityManager, consumer: string, events: readonly BatchEvent[]): Promise<void> {
  const fresh = await markProcessedMany(
    em,
    consumer,
    events.map((event) => event.id),
  );
  const store = new ProjectionStore(em);
  for (const [batchId, run] of freshByBatch(events, fresh)) await projectRun(store, batchId, run);
}

/** The domains an event is about: its own, or those a retry-failed round names. */
function domainsNamed(event: BatchEvent): string[] {
  if (event.type === 'batch.retry-requested') return event.data.domains.map((retried) => retried.domain);
  const name = domainOf(event);
  return name === undefined ? [] : [name];
}

/** One batch's events of a run, in log order. */
async function projectRun(store: ProjectionStore, batchId: string, events: BatchEvent[]): Promise<void> {
  for (const event of events) if (event.type === 'batch.requested') await store.insertBatch(event);
  const rest = events.filter((event) => event.type !== 'batch.requested');
  if (rest.length === 0) return;
  const batch = await store.lockBatch(batchId);
  if (!batch) throw new NonRetryableError(`no batch.requested was projected for batch ${batchId}`);
  const names = [...new Set(rest.flatMap(domainsNamed))];
  const domains = names.length > 0 ? await store.domains(batchId, names) : [];
  if (rest.some((event) => event.type === 'batch.cancel-requested')) {
    const loaded = new Set(names);
    domains.push(...(await store.cancellableDomains(batchId)).filter((domain) => !loaded.has(domain.domain)));
  }
  const result = foldEvents({ batch, domains }, rest);
  if (result.batch === batch) return;
  await store.saveDomains(batchId, result.changes);
  await store.saveBatch(batchId, result.batch);
}
