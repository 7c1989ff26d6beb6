import { type DataSource } from 'typeorm';

/** Rows deleted per statement: short transactions, no long lock on a busy table. */
const CHUNK = 5_000;

/** Deletes, a chunk at a time, the rows `selectCtids` names; returns how many went. */
async function deleteInChunks(dataSource: DataSource, table: string, selectCtids: string, params: unknown[]) {
  let total = 0;
  for (;;) {
    const [row] = await dataSource.query<{ n: number }[]>(
      `with gone as (delete from ${table} where ctid in (${selectCtids} limit ${CHUNK}) returning 1)
       select count(*)::int as n from gone`,
      params,
    );
    const deleted = row?.n ?? 0;
    total += deleted;
    if (deleted < CHUNK) return total;
  }
}

/** De-duplication records of one consumer older than `before`: their events are gone from the log. */
export function pruneProcessedEvents(dataSource: DataSource, consumer: string, before: Date): Promise<number> {
  return deleteInChunks(
    dataSource,
    'processed_events',
    `select ctid from processed_events where consumer = $1 and processed_at < $2`,
    [consumer, before],
  );
}

/** The scheduler's state of finished batches created before `before` (their domains go with them). */
export function pruneFinishedSchedulerBatches(dataSource: DataSource, before: Date): Promise<number> {
  return deleteInChunks(
    dataSource,
    'scheduler_batches',
    `select ctid from scheduler_batches where finished and created_at < $1`,
    [before],
  );
}

/** Submission records (Idempotency-Keys, "pending, never 404") older than `before`. */
export function pruneSubmissions(dataSource: DataSource, before: Date): Promise<number> {
  return deleteInChunks(dataSource, 'batch_submissions', `select ctid from batch_submissions where created_at < $1`, [
    before,
  ]);
}
