import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createDataSource, migrations, runMigrations } from './data-source';
import { BatchEntity } from './entities/batch.entity';

/** Every migration the code base has, in order. */
const ALL_MIGRATIONS = migrations.map((migration) => migration.name);

jest.setTimeout(30_000);

const TABLES = [
  'api_keys',
  'batch_domains',
  'batch_submissions',
  'batches',
  'pages',
  'processed_events',
  'scheduler_batches',
  'scheduler_domains',
];

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'migrations'
      order by table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('TypeORM migrations on a real PostgreSQL', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('mig', { migrate: false });
    dataSource = createDataSource(database.url, { poolSize: 2, applicationName: 'trawl-int-spec' });
    await dataSource.initialize();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  it('starts from an empty database', async () => {
    expect(await tables(dataSource)).toEqual([]);
  });

  it('applies the initial schema and records it', async () => {
    expect(await runMigrations(dataSource)).toEqual(ALL_MIGRATIONS);
    expect(await tables(dataSource)).toEqual(TABLES);
    const recorded: Array<{ name: string }> = await dataSource.query('select name from migrations');
    expect(recorded).toEqual(ALL_MIGRATIONS.map((name) => ({ name })));
    expect(await dataSource.showMigrations()).toBe(false); // nothing pending
  });

  it('round-trips a BatchEntity through the repository, jsonb and timestamptz included', async () => {
    const repository = dataSource.getRepository(BatchEntity);
    const id = randomUUID();
    const createdAt = new Date('2026-11-23T06:30:15.123Z');
    const batch = repository.create({
      id,
      tenant: 'acme',
      status: 'running',
      totalDomains: 3,
      succeededDomains: 1,
      failedDomains: 1,
      cancelledDomains: 0,
      pagesScraped: 7,
      maxPages: 10,
      maxConcurrentJobs: 2,
      maxAttempts: null,
      maxDeliveries: null,
      changeSeq: '0',
      metadata: { campaign: 'q4', tags: ['a', 'b'], nested: { depth: 2, ok: true, none: null }, unicode: 'Zürich ✓' },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      idempotencyKey: null,
      error: null,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + 1500),
      startTime: new Date(createdAt.getTime() + 10),
      endTime: null,
      cancelRequestedAt: null,
    });
    await repository.save(batch);

    const loaded = await repository.findOneBy({ id });
    expect(loaded).toEqual(batch);
    expect(loaded?.createdAt).toBeInstanceOf(Date);
    expect(loaded?.createdAt.toISOString()).toBe('2026-11-23T06:30:15.123Z');

    // What Postgres itself holds: a real jsonb document and an absolute instant, whatever the session zone.
    const [raw] = await dataSource.transaction(async (manager): Promise<unknown[]> => {
      await manager.query(`set local time zone 'Asia/Kathmandu'`);
      return manager.query<unknown[]>(
        `select jsonb_typeof(metadata) as kind, metadata #>> '{nested,depth}' as depth,
                pg_typeof(created_at)::text as type, created_at = $2::timestamptz as same_instant
           from batches where id = $1`,
        [id, '2026-11-23T06:30:15.123Z'],
      );
    });
    expect(raw).toEqual({ kind: 'object', depth: '2', type: 'timestamp with time zone', same_instant: true });

    // The schema's own rules apply to what the entity writes (TypeORM logs the failed query: hush it).
    const hush = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(repository.save({ ...batch, id: randomUUID(), status: 'bogus' as never })).rejects.toThrow(
        /batches_status_check/,
      );
    } finally {
      hush.mockRestore();
    }
  });

  it('applies nothing when run a second time', async () => {
    expect(await runMigrations(dataSource)).toEqual([]);
    const recorded: Array<{ count: string }> = await dataSource.query('select count(*) from migrations');
    expect(recorded).toEqual([{ count: String(ALL_MIGRATIONS.length) }]);
  });

  it('undoLastMigration takes each migration back, the tables last', async () => {
    const column = (table: string, name: string) =>
      dataSource.query(
        `select count(*)::int as n from information_schema.columns where table_name = $1 and column_name = $2`,
        [table, name],
      );
    const index = (name: string) =>
      dataSource.query(`select count(*)::int as n from pg_indexes where indexname = $1`, [name]);
    expect(await index('scheduler_batches_active_idx')).toEqual([{ n: 1 }]);
    await dataSource.undoLastMigration({ transaction: 'all' }); // the active batches' index
    expect(await index('scheduler_batches_active_idx')).toEqual([{ n: 0 }]);
    expect(await column('batch_domains', 'round_start')).toEqual([{ n: 1 }]);
    await dataSource.undoLastMigration({ transaction: 'all' }); // the retry rounds
    expect(await column('batch_domains', 'round_start')).toEqual([{ n: 0 }]);
    expect(await column('scheduler_batches', 'release_end')).toEqual([{ n: 0 }]);
    expect(await column('batch_domains', 'change_seq')).toEqual([{ n: 1 }]);
    await dataSource.undoLastMigration({ transaction: 'all' }); // the change sequence
    expect(await column('batch_domains', 'change_seq')).toEqual([{ n: 0 }]);
    expect(await column('batch_domains', 'deliveries')).toEqual([{ n: 1 }]);
    await dataSource.undoLastMigration({ transaction: 'all' }); // the delivery counts
    expect(await column('batch_domains', 'deliveries')).toEqual([{ n: 0 }]);
    expect(await column('scheduler_domains', 'deliveries')).toEqual([{ n: 0 }]);
    await dataSource.undoLastMigration({ transaction: 'all' }); // the retention indexes
    expect(await column('batches', 'stuck_since')).toEqual([{ n: 1 }]);
    await dataSource.undoLastMigration({ transaction: 'all' });
    expect(await column('batches', 'stuck_since')).toEqual([{ n: 0 }]);
    expect(await column('pages', 'h2')).toEqual([{ n: 1 }]);
    await dataSource.undoLastMigration({ transaction: 'all' });
    expect(await column('pages', 'h2')).toEqual([{ n: 0 }]);
    await dataSource.undoLastMigration({ transaction: 'all' });
    expect(await tables(dataSource)).toEqual([]);
    const recorded: Array<{ count: string }> = await dataSource.query('select count(*) from migrations');
    expect(recorded).toEqual([{ count: '0' }]);
  });
});

describe('runMigrations from several starters at once', () => {
  let database: TestDatabase;
  const dataSources: DataSource[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('mig_race', { migrate: false });
  });

  afterAll(async () => {
    for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  it('applies the schema exactly once (the advisory lock serialises them)', async () => {
    for (let i = 0; i < 3; i += 1) dataSources.push(createDataSource(database.url, { poolSize: 2 }));
    await Promise.all(dataSources.map((dataSource) => dataSource.initialize()));
    const results = await Promise.all(dataSources.map((dataSource) => runMigrations(dataSource)));
    expect(results.flat()).toEqual(ALL_MIGRATIONS);
    expect(await tables(dataSources[0]!)).toEqual(TABLES);
  });
});
