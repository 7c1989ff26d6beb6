import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Retry-failed rounds: each domain's first attempt of its current round (both folds), the
 * scheduler's release horizon (reopened domains are released after the batch's own ordinals),
 * and the batch's rounds in its status document.
 */
export class RetryRounds1764640000000 implements MigrationInterface {
  name = 'RetryRounds1764640000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`alter table scheduler_domains add column round_start int not null default 1`);
    await db.query(`alter table scheduler_batches add column release_end int`);
    await db.query(`update scheduler_batches set release_end = total`);
    await db.query(`alter table scheduler_batches alter column release_end set not null`);
    await db.query(`alter table batch_domains add column round_start int not null default 1`);
    await db.query(`alter table batches add column retry_rounds int not null default 0`);
    await db.query(`alter table batches add column retry_requested_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`alter table batches drop column retry_requested_at`);
    await db.query(`alter table batches drop column retry_rounds`);
    await db.query(`alter table batch_domains drop column round_start`);
    await db.query(`alter table scheduler_batches drop column release_end`);
    await db.query(`alter table scheduler_domains drop column round_start`);
  }
}
