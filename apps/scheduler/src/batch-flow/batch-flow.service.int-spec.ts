import { randomUUID } from 'node:crypto';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type DataSource } from 'typeorm';
import { loadTrawlConfig } from '@trawl/config';
import { type AnyMessage, type BatchEvent, createMessage, deterministicId, type MessageOf } from '@trawl/contracts';
import { type MessagePublisher } from '@trawl/messaging';
import { createDataSource } from '@trawl/persistence';
import { createLogger } from '@trawl/telemetry';
import { stackEnv } from '../../../../test/support/stack-env';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database';
import { BatchFlowService } from './batch-flow.service';

jest.setTimeout(60_000);

const ATTEMPT_TIMEOUT_MS = 60_000;

/** Stands in for Kafka: keeps what was published, and can refuse the next publish of one message type. */
class RecordingPublisher {
  readonly sent: AnyMessage[] = [];
  private refused: string | undefined;

  refuseNext(type: AnyMessage['type']): void {
    this.refused = type;
  }

  publish(messages: AnyMessage[]): Promise<void> {
    if (messages.some((message) => message.type === this.refused)) {
      this.refused = undefined;
      return Promise.reject(new Error('the broker refused the batch'));
    }
    this.sent.push(...messages);
    return Promise.resolve();
  }

  /** The batch events published since `from`, as the scheduler's consumer reads them back. */
  eventsSince(from: number): BatchEvent[] {
    return this.sent.slice(from).filter((message): message is BatchEvent => message.type !== 'domain.scrape');
  }

  commands(): string[] {
    return this.sent
      .filter((message): message is MessageOf<'domain.scrape'> => message.type === 'domain.scrape')
      .map((command) => `${command.data.domain}#${command.data.attempt}`);
  }
}

describe('the scheduler on a real Postgres', () => {
  let db: TestDatabase;
  let sql: DataSource;
  let publisher: RecordingPublisher;
  let flow: BatchFlowService;

  beforeAll(async () => {
    db = await createTestDatabase('scheduler_flow');
    sql = createDataSource(db.url, { poolSize: 2, applicationName: 'trawl-test-scheduler' });
    await sql.initialize();
  });

  afterAll(async () => {
    await sql?.destroy();
    await db?.drop();
  });

  let config: ReturnType<typeof loadTrawlConfig>;

  beforeEach(() => {
    publisher = new RecordingPublisher();
    config = loadTrawlConfig({
      ...stackEnv(),
      DATABASE_URL: db.url,
      SCHEDULER_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
      SCHEDULER_RETRY_BASE_MS: '0',
      SCHEDULER_RETRY_MAX_MS: '0',
      SCHEDULER_MAX_ATTEMPTS: '3',
    });
    flow = new BatchFlowService(
      sql,
      publisher as unknown as MessagePublisher,
      config,
      createLogger('scheduler', 'silent'),
    );
  });

  /** Hands every batch event published since `from` back to the scheduler, in order, as its consumer would. */
  async function readBack(from: number): Promise<void> {
    for (const event of publisher.eventsSince(from)) await flow.onEvent(event);
  }

  async function domainRow(batchId: string, domain: string) {
    const rows: { status: string; attempt: number; dispatched_attempt: number; due_at: Date | null }[] =
      await sql.query(
        `select status, attempt, dispatched_attempt, due_at from scheduler_domains where batch_id = $1 and domain = $2`,
        [batchId, domain],
      );
    return rows[0];
  }

  async function batchRow(batchId: string) {
    const rows: { in_flight: number; ended: number; finished: boolean }[] = await sql.query(
      `select in_flight, ended, finished from scheduler_batches where batch_id = $1`,
      [batchId],
    );
    return rows[0];
  }

  it('sends the command of a retry whose domain.queued was logged while its own publish failed, and ends the batch', async () => {
    const batchId = randomUUID();
    const base = { tenant: 't', batchId };
    await flow.onEvent(
      createMessage({
        ...base,
        type: 'batch.requested',
        data: {
          domains: ['a.com', 'b.com'],
          max_pages: 3,
          max_concurrent_jobs: 1,
          metadata: {},
          requested_at: new Date().toISOString(),
          trace_id: null,
          idempotency_key: null,
        },
      }),
    );
    await readBack(0);
    expect(publisher.commands()).toEqual(['a.com#1']);

    await flow.onEvent(
      createMessage({
        ...base,
        type: 'domain.failed',
        data: {
          domain: 'a.com',
          attempt: 1,
          dispatch_id: `${batchId}/a.com/1`,
          started_at: null,
          finished_at: new Date().toISOString(),
          error: { class: 'timeout', message: 'slow', retryable: true },
          pages: [],
        },
      }),
    );

    // The retry's domain.queued reaches the log, its command does not, and the transaction rolls back.
    const beforeRetry = publisher.sent.length;
    publisher.refuseNext('domain.scrape');
    await expect(flow.onTimers(batchId, new Date(Date.now() + 1_000))).rejects.toThrow('refused');
    expect(publisher.eventsSince(beforeRetry).map((e) => e.type)).toEqual(['domain.queued']);
    expect(await domainRow(batchId, 'a.com')).toMatchObject({ attempt: 1, dispatched_attempt: 1 });

    const readAt = Date.now();
    await readBack(beforeRetry);
    expect(publisher.commands()).toEqual(['a.com#1', 'a.com#2']);
    const adopted = (await domainRow(batchId, 'a.com'))!;
    expect(adopted).toMatchObject({ status: 'queued', attempt: 2, dispatched_attempt: 2 });
    expect(adopted.due_at!.getTime()).toBeGreaterThanOrEqual(readAt + ATTEMPT_TIMEOUT_MS);

    // Cancelled while a.com#2 is out: b.com ends at once, a.com when its deadline passes.
    const beforeCancel = publisher.sent.length;
    await flow.onEvent(
      createMessage({
        ...base,
        type: 'batch.cancel-requested',
        data: { requested_at: new Date().toISOString(), reason: null },
      }),
    );
    expect(await domainRow(batchId, 'b.com')).toMatchObject({ status: 'cancelled' });
    expect(await batchRow(batchId)).toMatchObject({ in_flight: 1, ended: 1, finished: false });
    await flow.onTimers(batchId, new Date(adopted.due_at!.getTime() + 1));
    expect(
      publisher.eventsSince(beforeCancel).map((e) => `${e.type} ${'domain' in e.data ? e.data.domain : ''}`),
    ).toEqual(['domain.timed-out a.com']);
    await readBack(beforeCancel);
    expect(await batchRow(batchId)).toEqual({ in_flight: 0, ended: 2, finished: true });
  });
  it('keeps only the failed rows of a finished batch, and a retry-failed round dispatches them again in order', async () => {
    const batchId = randomUUID();
    const base = { tenant: 't', batchId };
    const report = (domain: string, attempt: number, ok: boolean): BatchEvent =>
      ok
        ? createMessage({
            ...base,
            type: 'domain.scraped',
            data: {
              domain,
              attempt,
              dispatch_id: `${batchId}/${domain}/${attempt}`,
              started_at: new Date().toISOString(),
              finished_at: new Date().toISOString(),
              pages: [],
              extraction: { emails: [], phones: [], socials: [], technologies: [] },
            },
          })
        : createMessage({
            ...base,
            type: 'domain.failed',
            data: {
              domain,
              attempt,
              dispatch_id: `${batchId}/${domain}/${attempt}`,
              started_at: null,
              finished_at: new Date().toISOString(),
              error: { class: 'http_404', message: 'gone', retryable: false },
              pages: [],
            },
          });
    await flow.onEvent(
      createMessage({
        ...base,
        type: 'batch.requested',
        data: {
          domains: ['a.com', 'b.com', 'c.com'],
          max_pages: 1,
          max_concurrent_jobs: 3,
          metadata: {},
          requested_at: new Date().toISOString(),
          trace_id: null,
          idempotency_key: null,
        },
      }),
    );
    await readBack(0);
    // One fetch's worth of results, decided together.
    await flow.onEvents([report('a.com', 1, false), report('b.com', 1, true), report('c.com', 1, false)]);
    expect(await batchRow(batchId)).toEqual({ in_flight: 0, ended: 3, finished: true });
    const kept: { domain: string; status: string }[] = await sql.query(
      `select domain, status from scheduler_domains where batch_id = $1 order by ordinal`,
      [batchId],
    );
    expect(kept).toEqual([
      { domain: 'a.com', status: 'failed' },
      { domain: 'c.com', status: 'failed' },
    ]);

    const before = publisher.sent.length;
    const retry = createMessage({
      ...base,
      type: 'batch.retry-requested',
      id: deterministicId(batchId, 'retry-requested', 1, 1),
      data: {
        requested_at: new Date().toISOString(),
        round: 1,
        part: 1,
        parts: 1,
        domains: [
          { domain: 'a.com', attempt: 1 },
          { domain: 'c.com', attempt: 1 },
        ],
      },
    });
    // The round, the read-back of its domain.queued and a result, in one run; then the round again (a redelivery).
    await flow.onEvents([retry]);
    await flow.onEvents([...publisher.eventsSince(before), report('a.com', 2, true), retry]);
    expect(publisher.commands().slice(-2)).toEqual(['a.com#2', 'c.com#2']);
    const rows: { domain: string; ordinal: number; status: string; attempt: number; round_start: number }[] =
      await sql.query(
        `select domain, ordinal, status, attempt, round_start from scheduler_domains where batch_id = $1 order by ordinal`,
        [batchId],
      );
    expect(rows).toEqual([
      { domain: 'a.com', ordinal: 3, status: 'succeeded', attempt: 2, round_start: 2 },
      { domain: 'c.com', ordinal: 4, status: 'queued', attempt: 2, round_start: 2 },
    ]);
    expect(await batchRow(batchId)).toEqual({ in_flight: 1, ended: 2, finished: false });
    await flow.onEvent(report('c.com', 2, false));
    expect(await batchRow(batchId)).toEqual({ in_flight: 0, ended: 3, finished: true });
    expect(await sql.query(`select domain from scheduler_domains where batch_id = $1`, [batchId])).toEqual([
      { domain: 'c.com' },
    ]);
  });

  it('does not wait forever for a domain.queued its consumer dead-lettered: the attempt times out and is retried', async () => {
    const batchId = randomUUID();
    const base = { tenant: 't', batchId };
    await flow.onEvent(
      createMessage({
        ...base,
        type: 'batch.requested',
        data: {
          domains: ['a.com'],
          max_pages: 1,
          max_concurrent_jobs: 1,
          metadata: {},
          requested_at: new Date().toISOString(),
          trace_id: null,
          idempotency_key: null,
        },
      }),
    );
    // batch.started is read back; a.com's domain.queued never is (dead-lettered after repeated failures).
    const [started, queued] = publisher.eventsSince(0);
    expect(queued?.type).toBe('domain.queued');
    await flow.onEvent(started!);
    expect(await domainRow(batchId, 'a.com')).toMatchObject({ status: 'pending', dispatched_attempt: 1 });
    const { due_at: deadline } = (await domainRow(batchId, 'a.com'))!;

    const beforeDeadline = publisher.sent.length;
    await flow.onTimers(batchId, new Date(deadline!.getTime() + 1));
    expect(publisher.eventsSince(beforeDeadline).map((e) => e.type)).toEqual(['domain.timed-out']);
    await readBack(beforeDeadline);
    expect(await domainRow(batchId, 'a.com')).toMatchObject({ status: 'queued', attempt: 1 });
    const { due_at: retryAt } = (await domainRow(batchId, 'a.com'))!;
    const beforeRetry = publisher.sent.length;
    await flow.onTimers(batchId, new Date(retryAt!.getTime() + 1));
    expect(publisher.commands()).toEqual(['a.com#1', 'a.com#2']);
    await readBack(beforeRetry);

    await flow.onEvent(
      createMessage({
        ...base,
        type: 'domain.scraped',
        data: {
          domain: 'a.com',
          attempt: 2,
          dispatch_id: `${batchId}/a.com/2`,
          started_at: new Date().toISOString(),
          finished_at: new Date().toISOString(),
          pages: [],
          extraction: { emails: [], phones: [], socials: [], technologies: [] },
        },
      }),
    );
    expect(await batchRow(batchId)).toEqual({ in_flight: 0, ended: 1, finished: true });
  });
  describe('deciding the events of a fetch together (onEvents)', () => {
    /**
     * Runs one batch to its end against scripted scrapers: every command is answered by
     * domain.started and a result (the first attempt of every third domain fails in a retryable
     * way), with the log handed to the scheduler through `feed`. Returns what it published and its
     * final batch row.
     */
    async function runBatch(feed: (events: BatchEvent[]) => Promise<void>) {
      const batchId = randomUUID();
      const base = { tenant: 't', batchId };
      const names = Array.from({ length: 30 }, (_, i) => `d${i}.example`);
      const log: BatchEvent[] = [
        createMessage({
          ...base,
          id: deterministicId(batchId, 'requested'),
          type: 'batch.requested',
          data: {
            domains: names,
            max_pages: 1,
            max_concurrent_jobs: 4,
            metadata: {},
            requested_at: new Date().toISOString(),
            trace_id: null,
            idempotency_key: null,
          },
        }),
      ];
      let read = 0;
      let answered = 0;
      for (let round = 0; round < 200; round += 1) {
        const unread = log.slice(read);
        read = log.length;
        if (unread.length > 0) await feed(unread);
        log.push(...publisher.eventsSince(0).filter((event) => !log.some((seen) => seen.id === event.id)));
        const commands = publisher.sent.filter((m): m is MessageOf<'domain.scrape'> => m.type === 'domain.scrape');
        for (const command of commands.slice(answered)) {
          const { domain, attempt, dispatch_id } = command.data;
          const at = new Date().toISOString();
          const fails = attempt === 1 && Number(domain.slice(1, domain.indexOf('.'))) % 3 === 0;
          log.push(
            createMessage({
              ...base,
              id: deterministicId(batchId, 'test-started', domain, attempt),
              type: 'domain.started',
              data: { domain, attempt, dispatch_id, started_at: at, scraper_id: 's' },
            }),
            fails
              ? createMessage({
                  ...base,
                  id: deterministicId(batchId, 'test-failed', domain, attempt),
                  type: 'domain.failed',
                  data: {
                    domain,
                    attempt,
                    dispatch_id,
                    started_at: at,
                    finished_at: at,
                    error: { class: 'timeout', message: 'slow', retryable: true },
                    pages: [],
                  },
                })
              : createMessage({
                  ...base,
                  id: deterministicId(batchId, 'test-scraped', domain, attempt),
                  type: 'domain.scraped',
                  data: {
                    domain,
                    attempt,
                    dispatch_id,
                    started_at: at,
                    finished_at: at,
                    pages: [],
                    extraction: { emails: [], phones: [], socials: [], technologies: [] },
                  },
                }),
          );
        }
        answered = commands.length;
        await flow.onTimers(batchId, new Date(Date.now() + 1_000));
        log.push(...publisher.eventsSince(0).filter((event) => !log.some((seen) => seen.id === event.id)));
        if ((await batchRow(batchId))?.finished) break;
      }
      const label = (message: AnyMessage) =>
        'domain' in message.data ? `${message.type} ${message.data.domain}#${message.data.attempt}` : message.type;
      return { batch: await batchRow(batchId), sent: publisher.sent.map(label).sort() };
    }

    it('decides exactly what deciding one event at a time decides, whatever the fetch sizes', async () => {
      const byOne = await runBatch(async (events) => {
        for (const event of events) await flow.onEvent(event);
      });
      expect(byOne.batch).toEqual({ in_flight: 0, ended: 30, finished: true });

      publisher = new RecordingPublisher();
      flow = new BatchFlowService(
        sql,
        publisher as unknown as MessagePublisher,
        config,
        createLogger('scheduler', 'silent'),
      );
      let fetches = 0;
      const together = await runBatch(async (events) => {
        // Fetches of 1 to 7 events, some repeated (a redelivery after a lost commit).
        for (let from = 0; from < events.length;) {
          const size = 1 + (fetches % 7);
          const fetch = events.slice(from, from + size);
          fetches += 1;
          await flow.onEvents(fetches % 5 === 0 ? [...fetch, ...fetch] : fetch);
          from += size;
        }
      });
      expect(together.batch).toEqual(byOne.batch);
      // Deterministic ids: the same events and commands, whichever way they were decided.
      expect(together.sent).toEqual(byOne.sent);
      expect(byOne.sent.filter((label) => label.startsWith('domain.scrape'))).toHaveLength(40);
    });
  });
  it("keeps a batch in the trace its batch.requested came in when a fetch's events are decided together", async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    try {
      const batchId = randomUUID();
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const requested = createMessage({
        tenant: 't',
        batchId,
        type: 'batch.requested',
        data: {
          domains: ['a.com'],
          max_pages: 1,
          max_concurrent_jobs: 1,
          metadata: {},
          requested_at: new Date().toISOString(),
          trace_id: null,
          idempotency_key: null,
        },
      });
      await flow.onEvents([requested], () => ({ traceparent }));
      const rows: { trace_headers: Record<string, string> }[] = await sql.query(
        `select trace_headers from scheduler_batches where batch_id = $1`,
        [batchId],
      );
      expect(rows[0]!.trace_headers.traceparent).toBe(traceparent);
    } finally {
      propagation.disable();
    }
  });
});
