import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** When an unfinished batch stopped making progress (set by the aggregator's watcher, cleared by progress). */
export class BatchesStuckSince1764600000000 implements MigrationInterface {
  name = 'BatchesStuckSince1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`alter table batches add column stuck_since timestamptz`);
    await db.query(
      `create index batches_unfinished_updated_idx on batches (updated_at) where status in ('pending', 'running')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop index batches_unfinished_updated_idx`);
    await db.query(`alter table batches drop column stuck_since`);
  }
}
