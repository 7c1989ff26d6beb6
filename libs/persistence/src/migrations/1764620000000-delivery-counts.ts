import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Deliveries of each domain's current attempt (its domain.started events), counted by both folds
 * so a command that keeps failing its scraper ends as a poison command, and each batch's limit.
 */
export class DeliveryCounts1764620000000 implements MigrationInterface {
  name = 'DeliveryCounts1764620000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`alter table scheduler_batches add column max_deliveries int not null default 3`);
    await db.query(`alter table scheduler_domains add column deliveries int not null default 0`);
    await db.query(`alter table batches add column max_deliveries int`);
    await db.query(`alter table batch_domains add column deliveries int not null default 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`alter table batch_domains drop column deliveries`);
    await db.query(`alter table batches drop column max_deliveries`);
    await db.query(`alter table scheduler_domains drop column deliveries`);
    await db.query(`alter table scheduler_batches drop column max_deliveries`);
  }
}
