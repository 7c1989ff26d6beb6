import { Kafka, logLevel } from 'kafkajs';
import { decodeMessage, topicName } from '@trawl/contracts';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

interface StatusDocument {
  batch_id: string;
  status: string;
  total_domains: number;
  completed_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  progress: number;
  start_time: string | null;
  end_time: string | null;
  processing_time: number | null;
  domain_statuses: Record<string, string>;
  updated_at: string;
}

jest.setTimeout(240_000);

describe('a batch through the whole pipeline', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('pipeline', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        SCHEDULER_MAX_ATTEMPTS: '2',
        SCHEDULER_RETRY_BASE_MS: '100',
        SCHEDULER_RETRY_MAX_MS: '200',
        SCRAPER_CONCURRENCY: '16',
      },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  async function submit(domains: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const response = await api<{ batch_id: string }>('POST', '/api/v1/batches', { domains, max_pages: 2, ...extra });
    expect(response.status).toBe(202);
    return response.body.batch_id;
  }

  async function settled(batchId: string, timeoutMs = 120_000): Promise<StatusDocument> {
    return eventually(
      async () => {
        const { status, body } = await api<StatusDocument>('GET', `/api/v1/batches/${batchId}`);
        expect(status).toBe(200);
        expect(['complete', 'partial', 'failed', 'cancelled']).toContain(body.status);
        return body;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  function expectConsistent(doc: StatusDocument): void {
    const statuses = Object.values(doc.domain_statuses);
    expect(statuses).toHaveLength(doc.total_domains);
    expect(statuses.filter((s) => s === 'succeeded')).toHaveLength(doc.completed_domains);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(doc.failed_domains);
    expect(statuses.filter((s) => s === 'cancelled')).toHaveLength(doc.cancelled_domains);
    expect(doc.completed_domains + doc.failed_domains + doc.cancelled_domains).toBe(doc.total_domains);
    expect(doc.progress).toBe(1);
    expect(doc.start_time).not.toBeNull();
    expect(doc.end_time).not.toBeNull();
    expect(doc.processing_time).toBeCloseTo((Date.parse(doc.end_time!) - Date.parse(doc.start_time!)) / 1000, 2);
  }

  it('answers pending, never 404, right after the 202', async () => {
    const response = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: ['first-get.ok.fixture.test'],
    });
    const status = await api<StatusDocument>('GET', `/api/v1/batches/${response.body.batch_id}`);
    expect(status.status).toBe(200);
    expect(['pending', 'running', 'complete']).toContain(status.body.status);
    expect((await settled(response.body.batch_id)).status).toBe('complete');
  });

  it('takes a 50-domain batch to complete with exact counts', async () => {
    const domains = Array.from({ length: 50 }, (_, i) => `fifty${i}.ok.fixture.test`);
    const batchId = await submit(domains, { max_concurrent_jobs: 10 });
    const doc = await settled(batchId);
    expect(doc).toMatchObject({
      status: 'complete',
      total_domains: 50,
      completed_domains: 50,
      failed_domains: 0,
      cancelled_domains: 0,
    });
    expectConsistent(doc);
    const detail = await api<{ status: string; pages: { title: string | null }[]; extraction: { emails: string[] } }>(
      'GET',
      `/api/v1/batches/${batchId}/domains/fifty7.ok.fixture.test`,
    );
    expect(detail.body.status).toBe('succeeded');
    expect(detail.body.pages).toHaveLength(2);
    expect(detail.body.pages[0]!.title).toBeTruthy();
  });

  it('ends partial when some sites are down, after retrying them', async () => {
    const batchId = await submit([
      'p1.ok.fixture.test',
      'p2.ok.fixture.test',
      'p3.down.fixture.test',
      'p4.down.fixture.test',
    ]);
    const doc = await settled(batchId);
    expect(doc).toMatchObject({ status: 'partial', completed_domains: 2, failed_domains: 2, cancelled_domains: 0 });
    expectConsistent(doc);
    const down = await api<{ attempts: number; error: { class: string; retryable: boolean } }>(
      'GET',
      `/api/v1/batches/${batchId}/domains/p3.down.fixture.test`,
    );
    expect(down.body.attempts).toBe(2);
    expect(down.body.error.retryable).toBe(true);
  });

  it('ends failed when every site is down or refuses', async () => {
    const batchId = await submit(['f1.down.fixture.test', 'f2.404.fixture.test', 'f3.robots-deny.fixture.test']);
    const doc = await settled(batchId);
    expect(doc).toMatchObject({ status: 'failed', completed_domains: 0, failed_domains: 3 });
    expectConsistent(doc);
  });

  it('never has more than max_concurrent_jobs domains of a batch in flight, measured at the sites', async () => {
    const domains = Array.from({ length: 9 }, (_, i) => `cc--d300-s${i}.slow.fixture.test`);
    const batchId = await submit(domains, { max_concurrent_jobs: 3 });
    const doc = await settled(batchId);
    expect(doc.status).toBe('complete');
    expect(web.stats.maxConcurrentDomains('cc')).toBe(3);
  });

  it('cancels mid-batch: nothing new starts, running domains finish, the rest are cancelled', async () => {
    const domains = Array.from({ length: 8 }, (_, i) => `cx--d400-s${i}.slow.fixture.test`);
    const batchId = await submit(domains, { max_concurrent_jobs: 2 });
    await eventually(async () => {
      const { body } = await api<StatusDocument>('GET', `/api/v1/batches/${batchId}`);
      expect(body.status).toBe('running');
    });
    const cancel = await api('POST', `/api/v1/batches/${batchId}/cancel`);
    expect(cancel.status).toBe(202);
    const doc = await settled(batchId);
    expect(doc.status).toBe('cancelled');
    expectConsistent(doc);
    expect(doc.cancelled_domains).toBeGreaterThanOrEqual(4);
    const crawled = domains.filter((domain) => web.stats.requestsFor(domain) > 0).length;
    expect(crawled).toBe(doc.completed_domains + doc.failed_domains);
    expect((await api('POST', `/api/v1/batches/${batchId}/cancel`)).status).toBe(409);
  });

  it('changes nothing when an event is delivered twice', async () => {
    const batchId = await submit(['dup1.ok.fixture.test', 'dup2.ok.fixture.test']);
    const before = await settled(batchId);
    const kafka = new Kafka({
      clientId: 'e2e-dup',
      brokers: stackEnv().KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: `${trawl.topicPrefix}e2e-dup` });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await Promise.all([consumer.connect(), producer.connect()]);
    const topic = topicName(trawl.topicPrefix, 'batchEvents');
    const replayed: string[] = [];
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const ofBatch: {
        key: Buffer | null;
        value: Buffer | null;
        headers: Record<string, Buffer | string | undefined>;
      }[] = [];
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            const event = decodeMessage(message.value);
            if (event.batch_id !== batchId) return;
            ofBatch.push({ key: message.key, value: message.value, headers: message.headers as never });
            replayed.push(event.type);
            if (event.type === 'domain.scraped' && replayed.filter((t) => t === 'domain.scraped').length === 2)
              resolve();
            await Promise.resolve();
          },
        });
      });
      await producer.send({ topic, acks: -1, messages: ofBatch });
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
    expect(replayed).toEqual(
      expect.arrayContaining(['batch.requested', 'batch.started', 'domain.queued', 'domain.scraped']),
    );
    // Wait until the aggregator and the scheduler have read past the duplicates: on every partition
    // the group has committed the high watermark, or the partition has never held a message (then
    // nothing was consumed and the group has no committed offset, -1).
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually(async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const group of ['aggregator', 'scheduler']) {
          const [committed] = await admin.fetchOffsets({ groupId: `${trawl.topicPrefix}${group}`, topics: [topic] });
          for (const { partition, high, low } of ends) {
            const offset = committed!.partitions.find((p) => p.partition === partition)?.offset;
            const caughtUp = offset === high || (offset === '-1' && high === low);
            expect(`${group}:${partition}:${offset}:${caughtUp ? 'caught up' : `behind ${high}`}`).toBe(
              `${group}:${partition}:${offset}:caught up`,
            );
          }
        }
      });
    } finally {
      await admin.disconnect();
    }
    const after = await api<StatusDocument>('GET', `/api/v1/batches/${batchId}`);
    expect(after.body).toEqual(before);
  });

  it('serves the v3 compatibility shapes', async () => {
    const created = await api<Record<string, unknown>>('POST', '/api/v3/batch_page_scraper/batch', {
      domains: ['v3a.ok.fixture.test'],
      max_pages: 1,
      max_concurrent_jobs: 1,
    });
    expect(created.status).toBe(202);
    expect(Object.keys(created.body).sort()).toEqual(['batch_id', 'created_at', 'job_count', 'status_url']);
    const doc = await eventually(async () => {
      const { body } = await api<Record<string, unknown>>('GET', created.body.status_url as string);
      expect(body.status).toBe('complete');
      return body;
    });
    expect(Object.keys(doc).sort()).toEqual(
      [
        'batch_id',
        'status',
        'total_domains',
        'completed_domains',
        'failed_domains',
        'progress',
        'created_at',
        'updated_at',
        'start_time',
        'end_time',
        'processing_time',
        'domain_statuses',
        'error',
        'metadata',
      ].sort(),
    );
  });
});
