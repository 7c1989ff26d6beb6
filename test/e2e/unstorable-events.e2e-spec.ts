import { randomUUID } from 'node:crypto';
import { createMessage, type MessageOf } from '@trawl/contracts';
import { createKafka, MessagePublisher } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(180_000);

/**
 * Events that pass every contract yet hold a value Postgres refuses (here a status code past
 * int4), from any producer. Without a scraper, the test plays the scraper's part.
 */
describe('an event whose payload the projection cannot store', () => {
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;
  let publisher: MessagePublisher;

  beforeAll(async () => {
    trawl = await TrawlUnderTest.start('unstorable', {
      services: ['gateway', 'scheduler', 'aggregator'],
      env: { TRAWL_CONSUMER_MAX_ATTEMPTS: '2' },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('unstorable'));
    const log = createLogger('unstorable-e2e', 'silent');
    const kafka = createKafka({ brokers: stackEnv().KAFKA_BROKERS.split(','), clientId: 'unstorable-e2e', log });
    publisher = new MessagePublisher(kafka, trawl.topicPrefix, log);
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await trawl?.stop();
  });

  it('still ends its domain (succeeded, as the lifecycle says) and its batch, and says what was not stored', async () => {
    const batchId = randomUUID();
    const domain = 'out-of-range.example.org';
    const base = { tenant: 'unstorable', batchId };
    await publisher.publish([
      createMessage({
        ...base,
        type: 'batch.requested',
        data: {
          domains: [domain],
          max_pages: 1,
          max_concurrent_jobs: 1,
          metadata: {},
          requested_at: new Date().toISOString(),
          trace_id: null,
          idempotency_key: null,
        },
      }),
    ]);
    const detail = (route = `/api/v1/batches/${batchId}/domains/${domain}`) =>
      api<{ status: string; attempts: number; pages: unknown[]; extraction: Record<string, unknown> | null }>(
        'GET',
        route,
      );
    await eventually(async () => expect((await detail()).body.status).toBe('queued'), { timeoutMs: 60_000 });

    const now = new Date().toISOString();
    const scraped: MessageOf<'domain.scraped'> = createMessage({
      ...base,
      type: 'domain.scraped',
      data: {
        domain,
        attempt: 1,
        dispatch_id: 'played-by-the-test',
        started_at: now,
        finished_at: now,
        pages: [
          {
            url: `http://${domain}/`,
            final_url: `http://${domain}/`,
            status_code: 99_999_999_999,
            content_type: 'text/html',
            title: 'Out of range',
            description: null,
            language: 'en',
            canonical_url: null,
            h1: [],
            h2: [],
            links_found: 0,
            bytes: 100,
            depth: 0,
            fetched_at: now,
            duration_ms: 3,
            error: null,
          },
        ],
        extraction: { emails: ['hello@example.org'], phones: [], socials: [], technologies: [] },
      },
    });
    await publisher.publish([scraped]);

    const doc = await eventually(
      async () => {
        const { body } = await api<{ status: string; completed_domains: number; metadata: unknown }>(
          'GET',
          `/api/v1/batches/${batchId}`,
        );
        expect(body.status).toBe('complete');
        return body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(doc.completed_domains).toBe(1);
    const { body } = await detail();
    expect(body).toMatchObject({ status: 'succeeded', pages: [] });
    expect(body.extraction).toMatchObject({ projection_error: expect.stringMatching(/out of range/) });
  });
});
