import { type EntityManager } from 'typeorm';
import { type BatchEvent } from '@trawl/contracts';

/**
 * Records, in the caller's transaction, that a consumer applied these events: returns the ids not
 * recorded before (each once, even if listed twice). The others are duplicates and must change nothing.
 */
export async function markProcessedMany(
  em: EntityManager,
  consumer: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  const rows: { event_id: string }[] = await em.query(
    `insert into processed_events (consumer, event_id) select $1, id from unnest($2::uuid[]) as t(id)
     on conflict do nothing returning event_id`,
    [consumer, [...new Set(eventIds)]],
  );
  return new Set(rows.map((row) => row.event_id));
}

/** The events markProcessedMany found fresh, each once, grouped by batch in log order. */
export function freshByBatch(events: readonly BatchEvent[], fresh: ReadonlySet<string>): Map<string, BatchEvent[]> {
  const groups = new Map<string, BatchEvent[]>();
  const taken = new Set<string>();
  for (const event of events) {
    const id = event.id.toLowerCase();
    if (!fresh.has(id) || taken.has(id)) continue;
    taken.add(id);
    const group = groups.get(event.batch_id);
    if (group) group.push(event);
    else groups.set(event.batch_id, [event]);
  }
  return groups;
}
