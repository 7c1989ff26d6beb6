import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { loadTrawlConfig } from '@trawl/config';
import { createLogger } from '@trawl/telemetry';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { createDataSource } from '../data-source';
import { RetentionJob } from './retention.job';
import { pruneFinishedSchedulerBatches, pruneProcessedEvents, pruneSubmissions } from './retention.queries';

jest.setTimeout(60_000);

const DAY = 24 * 3_600_000;
const now = new Date('2026-12-01T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);

describe('pruning rows past the events’ retention, on a real PostgreSQL', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('retention');
    dataSource = createDataSource(database.url, { poolSize: 2, applicationName: 'retention-int-spec' });
    await dataSource.initialize();
  });

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  const count = async (sql: string, params: unknown[] = []) =>
    (await dataSource.query<{ n: number }[]>(`select count(*)::int as n from ${sql}`, params))[0]!.n;

  async function processed(consumer: string, at: Date, rows = 1): Promise<void> {
    for (let i = 0; i < rows; i += 1) {
      await dataSource.query(`insert into processed_events (consumer, event_id, processed_at) values ($1, $2, $3)`, [
        consumer,
        randomUUID(),
        at,
      ]);
    }
  }

  async function schedulerBatch(finished: boolean, createdAt: Date): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `insert into scheduler_batches (batch_id, tenant, total, release_end, max_concurrent, max_pages, max_attempts,
         finished, created_at)
       values ($1, 't', 1, 1, 1, 1, 3, $2, $3)`,
      [id, finished, createdAt],
    );
    await dataSource.query(
      `insert into scheduler_domains (batch_id, ordinal, domain, status) values ($1, 0, 'a.com', 'succeeded')`,
      [id],
    );
    return id;
  }

  async function submission(createdAt: Date): Promise<void> {
    await dataSource.query(
      `insert into batch_submissions (batch_id, tenant, request_hash, state, total_domains, max_pages,
         max_concurrent_jobs, metadata, created_at) values ($1, 't', 'h', 'accepted', 1, 1, 1, '{}', $2)`,
      [randomUUID(), createdAt],
    );
  }

  it('deletes only one consumer’s de-duplication records older than the cut, in chunks', async () => {
    await processed('aggregator', daysAgo(40), 12_000);
    await processed('aggregator', daysAgo(1));
    await processed('scheduler', daysAgo(40));
    expect(await pruneProcessedEvents(dataSource, 'aggregator', daysAgo(31))).toBe(12_000);
    expect(await count(`processed_events where consumer = 'aggregator'`)).toBe(1);
    expect(await count(`processed_events where consumer = 'scheduler'`)).toBe(1);
  });

  it('deletes finished scheduler batches (their domains with them), never unfinished ones', async () => {
    const old = await schedulerBatch(true, daysAgo(40));
    const running = await schedulerBatch(false, daysAgo(40));
    const recent = await schedulerBatch(true, daysAgo(2));
    expect(await pruneFinishedSchedulerBatches(dataSource, daysAgo(31))).toBe(1);
    expect(await count(`scheduler_batches where batch_id = any($1)`, [[old, running, recent]])).toBe(2);
    expect(await count(`scheduler_domains where batch_id = $1`, [old])).toBe(0);
  });

  it('deletes old submissions only', async () => {
    await submission(daysAgo(40));
    await submission(daysAgo(3));
    expect(await pruneSubmissions(dataSource, daysAgo(31))).toBe(1);
    expect(await count('batch_submissions')).toBe(1);
  });

  it('the job cuts at the events’ retention plus a day', async () => {
    const config = loadTrawlConfig({ TRAWL_EVENTS_RETENTION_MS: String(30 * DAY) });
    await processed('job', daysAgo(31) /* inside the margin */);
    await processed('job', daysAgo(31.5));
    const job = new RetentionJob(dataSource, config, createLogger('retention-int-spec', 'silent'), [
      { name: 'processed_events (job)', prune: (ds, before) => pruneProcessedEvents(ds, 'job', before) },
    ]);
    await job.prune(now);
    expect(await count(`processed_events where consumer = 'job'`)).toBe(1);
  });
});
