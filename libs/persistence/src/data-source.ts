import { DataSource, type DataSourceOptions } from 'typeorm';
import { type Log } from '@trawl/telemetry';
import { TypeOrmStructuredLogger } from './typeorm-logger';
import { ApiKeyEntity } from './entities/api-key.entity';
import { BatchDomainEntity } from './entities/batch-domain.entity';
import { BatchSubmissionEntity } from './entities/batch-submission.entity';
import { BatchEntity } from './entities/batch.entity';
import { PageEntity } from './entities/page.entity';
import { InitialSchema1763880000000 } from './migrations/1763880000000-initial-schema';
import { PagesH21764590000000 } from './migrations/1764590000000-pages-h2';
import { BatchesStuckSince1764600000000 } from './migrations/1764600000000-batches-stuck-since';
import { RetentionIndexes1764610000000 } from './migrations/1764610000000-retention-indexes';
import { DeliveryCounts1764620000000 } from './migrations/1764620000000-delivery-counts';
import { ChangeSequence1764630000000 } from './migrations/1764630000000-change-sequence';
import { RetryRounds1764640000000 } from './migrations/1764640000000-retry-rounds';
import { ActiveBatchesIndex1764650000000 } from './migrations/1764650000000-active-batches-index';

export const entities = [BatchEntity, BatchDomainEntity, PageEntity, ApiKeyEntity, BatchSubmissionEntity];
export const migrations = [
  InitialSchema1763880000000,
  PagesH21764590000000,
  BatchesStuckSince1764600000000,
  RetentionIndexes1764610000000,
  DeliveryCounts1764620000000,
  ChangeSequence1764630000000,
  RetryRounds1764640000000,
  ActiveBatchesIndex1764650000000,
];

/** One DataSource definition for the services, the CLI and the tests. Never `synchronize`. */
export interface DataSourceSettings {
  poolSize?: number;
  applicationName?: string;
  log?: Log;
}

export function dataSourceOptions(databaseUrl: string, options: DataSourceSettings = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    maxQueryExecutionTime: 1000,
    ...(options.log ? { logger: new TypeOrmStructuredLogger(options.log.child({ component: 'typeorm' })) } : {}),
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'trawl',
    extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
  };
}

export function createDataSource(databaseUrl: string, options: DataSourceSettings = {}): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, options));
}

/** Applies pending migrations under an advisory lock, so concurrent starters do not race. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock(7263011)');
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((migration) => migration.name);
  } finally {
    await runner.query('select pg_advisory_unlock(7263011)').catch(() => undefined);
    await runner.release();
  }
}
