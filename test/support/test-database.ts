import { Client } from 'pg';
import { createDataSource, runMigrations } from '@trawl/persistence';
import { stackEnv, uniqueName } from './stack-env';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database on the real Postgres (milliseconds), migrated unless told otherwise. */
export async function createTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = new URL(stackEnv().DATABASE_URL);
  const name = uniqueName(`t_${label}`).slice(0, 60);
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  if (options.migrate !== false) {
    const dataSource = createDataSource(url.toString(), { poolSize: 2, applicationName: 'trawl-test-migrate' });
    await dataSource.initialize();
    try {
      await runMigrations(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new Client({ connectionString: base.toString() });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
