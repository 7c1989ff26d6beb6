import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A per-batch change sequence: every save of the projection takes the next numbers for the rows
 * it changes, so a progress stream (SSE) can send what changed since the id a client last saw.
 */
export class ChangeSequence1764630000000 implements MigrationInterface {
  name = 'ChangeSequence1764630000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`alter table batches add column change_seq bigint not null default 0`);
    await db.query(`alter table batch_domains add column change_seq bigint not null default 0`);
    await db.query(`create index batch_domains_change_idx on batch_domains (batch_id, change_seq)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`drop index batch_domains_change_idx`);
    await db.query(`alter table batch_domains drop column change_seq`);
    await db.query(`alter table batches drop column change_seq`);
  }
}
