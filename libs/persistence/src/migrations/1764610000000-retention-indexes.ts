import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** What the retention job deletes by: the age of de-duplication records, finished scheduler state, submissions. */
export class RetentionIndexes1764610000000 implements MigrationInterface {
  name = 'RetentionIndexes1764610000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`create index processed_events_age_idx on processed_events (consumer, processed_at)`);
    await db.query(`create index scheduler_batches_finished_age_idx on scheduler_batches (created_at) where finished`);
    await db.query(`create index batch_submissions_age_idx on batch_submissions (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop index batch_submissions_age_idx`);
    await db.query(`drop index scheduler_batches_finished_age_idx`);
    await db.query(`drop index processed_events_age_idx`);
  }
}
