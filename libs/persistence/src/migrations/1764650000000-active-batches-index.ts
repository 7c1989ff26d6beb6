import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The scheduler counts the unfinished batches per tenant on every decision (fair shares of the dispatch capacity). */
export class ActiveBatchesIndex1764650000000 implements MigrationInterface {
  name = 'ActiveBatchesIndex1764650000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`create index scheduler_batches_active_idx on scheduler_batches (tenant) where not finished`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop index scheduler_batches_active_idx`);
  }
}
