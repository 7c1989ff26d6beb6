import { randomUUID } from 'node:crypto';
import { createMessage } from '@trawl/contracts';
import { createKafka, MessagePublisher } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { CPU_ATTACKS, EMOJI_TITLE } from '../fixture-web/cpu-attack.sites';
import { fixtureHost, startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(240_000);

interface StatusDocument {
  status: string;
  completed_domains: number;
  failed_domains: number;
  domain_statuses: Record<string, string>;
}

interface DomainDetail {
  status: string;
  error: { class: string; retryable: boolean } | null;
  pages: { title: string | null; description: string | null; h1: string[]; error: string | null }[];
  extraction: { emails: string[] } | null;
}

/** Probes a service's /health/live every 100 ms; the slowest answer (a failure counts as Infinity). */
class HealthProbe {
  private worstMs = 0;
  private failures: string[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(url: string) {
    this.loop = (async () => {
      while (this.running) {
        const started = performance.now();
        try {
          const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(5_000) });
          await response.text();
          if (!response.ok) this.failures.push(`HTTP ${response.status}`);
        } catch (error) {
          this.failures.push((error as Error).message);
        }
        this.worstMs = Math.max(this.worstMs, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
  }

  async stop(): Promise<{ worstMs: number; failures: string[] }> {
    this.running = false;
    await this.loop;
    return { worstMs: this.worstMs, failures: this.failures };
  }
}

describe('a batch of sites built to stall a scraper, on the real stack', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('hostile-web', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        SCRAPER_CONCURRENCY: '8',
        // Large enough that the megabyte attacks are parsed rather than refused at the byte cap.
        SCRAPER_MAX_PAGE_BYTES: String(8 * 1024 * 1024),
        SCHEDULER_MAX_ATTEMPTS: '1',
      },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('hostile'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  it('crawls every one to a clear end while the scraper answers health checks within a second', async () => {
    const scraper = trawl.processes.get('scraper')!;
    const probe = new HealthProbe(scraper.url);
    const domains = CPU_ATTACKS.map((attack) => fixtureHost('cpu', attack));
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', { domains, max_pages: 4 });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;
    const doc = await eventually(
      async () => {
        const { body } = await api<StatusDocument>('GET', `/api/v1/batches/${batchId}`);
        expect(['complete', 'partial', 'failed']).toContain(body.status);
        return body;
      },
      { timeoutMs: 180_000, intervalMs: 250 },
    );
    const health = await probe.stop();

    expect(health.failures).toEqual([]);
    expect(health.worstMs).toBeLessThan(1_000);
    expect(doc).toMatchObject({ status: 'complete', completed_domains: domains.length, failed_domains: 0 });
    // Each command was crawled once: no eviction from the consumer group, no redelivery.
    const started = scraper.output.filter((line) => line.includes('"domain crawled"'));
    expect(started).toHaveLength(domains.length);
  });

  it('stores titles cut through emoji, which Postgres refused before, as well-formed text', async () => {
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: [fixtureHost('cpu', 'emoji-cut')],
      max_pages: 1,
    });
    const host = fixtureHost('cpu', 'emoji-cut');
    const detail = await eventually(
      async () => {
        const { body } = await api<DomainDetail>('GET', `/api/v1/batches/${created.body.batch_id}/domains/${host}`);
        expect(body.status).toBe('succeeded');
        return body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const [page] = detail.pages;
    expect(EMOJI_TITLE.startsWith(page!.title!)).toBe(true);
    for (const text of [page!.title!, page!.description!, ...page!.h1]) expect(text.isWellFormed()).toBe(true);
    expect(detail.extraction!.emails).toContain('emoji@attack.example.org');
  });

  it('projects a batch whose event carries text Postgres refuses (from a producer that is not the gateway)', async () => {
    const log = createLogger('hostile-web-e2e', 'silent');
    const kafka = createKafka({ brokers: stackEnv().KAFKA_BROKERS.split(','), clientId: 'hostile-web-e2e', log });
    const publisher = new MessagePublisher(kafka, trawl.topicPrefix, log);
    const batchId = randomUUID();
    try {
      await publisher.publish([
        createMessage({
          type: 'batch.requested',
          tenant: 'hostile',
          batchId,
          data: {
            domains: [fixtureHost('ok', 'unstorable-meta')],
            max_pages: 1,
            max_concurrent_jobs: 1,
            metadata: { note: 'a\u0000b', ['k\ud800']: 'x\udc00' },
            requested_at: new Date().toISOString(),
            trace_id: null,
            idempotency_key: null,
          },
        }),
      ]);
    } finally {
      await publisher.disconnect();
    }
    const doc = await eventually(
      async () => {
        const { status, body } = await api<StatusDocument & { metadata: unknown }>('GET', `/api/v1/batches/${batchId}`);
        expect(status).toBe(200);
        expect(body.status).toBe('complete');
        return body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(doc.metadata).toEqual({ note: 'ab', k: 'x' });
  });

  it('stops on SIGINT within seconds, even right after hostile work', async () => {
    const { child } = trawl.processes.get('scraper')!;
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `${code}`)));
    const sent = Date.now();
    child.kill('SIGINT');
    // Nest closes the app, then re-raises the signal: a clean stop ends "by SIGINT" (or exit 0).
    expect(['SIGINT', '0']).toContain(await exited);
    expect(Date.now() - sent).toBeLessThan(10_000);
  });
});
