import { type EntityManager } from 'typeorm';

/**
 * Records that a consumer applied an event, in the caller's transaction. Returns false when it
 * was recorded before: the event is a duplicate and must change nothing.
 */
export async function markProcessed(em: EntityManager, consumer: string, eventId: string): Promise<boolean> {
  const rows: unknown[] = await em.query(
    `insert into processed_events (consumer, event_id) values ($1, $2) on conflict do nothing returning event_id`,
    [consumer, eventId],
  );
  return rows.length === 1;
}
