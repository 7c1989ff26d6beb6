import { type DataSource } from 'typeorm';
import { runMigrations } from '@trawl/persistence';
import { type CliOutput } from '../cli-output';

export async function migrateCommand(dataSource: DataSource, output: CliOutput): Promise<number> {
  const applied = await runMigrations(dataSource);
  if (applied.length === 0) output.out('no pending migrations: the database is up to date');
  for (const name of applied) output.out(`applied ${name}`);
  return 0;
}
