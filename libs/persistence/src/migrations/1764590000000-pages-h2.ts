import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Pages keep their h2 headings too (the one-pass extractor collects them beside h1). */
export class PagesH21764590000000 implements MigrationInterface {
  name = 'PagesH21764590000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`alter table pages add column h2 jsonb not null default '[]'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`alter table pages drop column h2`);
  }
}
