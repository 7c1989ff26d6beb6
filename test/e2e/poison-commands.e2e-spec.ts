import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(240_000);

interface Doc {
  status: string;
  failed_domains: number;
}

interface DomainDoc {
  status: string;
  attempts: number;
  deliveries: number;
  error: { class: string; message: string; retryable: boolean } | null;
}

/**
 * A command that takes its scraper down every time (here: the scraper is killed while the
 * site hangs) is counted in the log, whichever process it lands on, and quarantined: its domain
 * fails as a poison command and the batch ends; the uncommitted command is not crawled again
 * once its attempt has expired.
 */
describe('a scrape command that keeps failing its scraper', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest | undefined;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  it('ends its domain as poison_command after the allowed deliveries, across restarts, and is then dropped', async () => {
    const attemptTimeoutMs = 60_000;
    trawl = await TrawlUnderTest.start('poison', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        // A killed member holds its partitions until its session times out: keep that short.
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        SCHEDULER_MAX_DELIVERIES: '2',
        SCHEDULER_MAX_ATTEMPTS: '3',
        SCHEDULER_ATTEMPT_TIMEOUT_MS: String(attemptTimeoutMs),
        SCRAPER_PAGE_TIMEOUT_MS: '200000',
        SCRAPER_DOMAIN_TIMEOUT_MS: '200000',
      },
    });
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
    // Every response of this site takes 150 s: each crawl is still on robots.txt when it is killed.
    const poison = 'pc--d150000-hang.slow.fixture.test';
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', { domains: [poison], max_pages: 1 });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;
    const submittedAt = Date.now();
    const domainDoc = () => api<DomainDoc>('GET', `/api/v1/batches/${batchId}/domains/${poison}`);

    // Deliveries 1 and 2 are allowed; each ends with its scraper killed mid-crawl.
    for (let delivery = 1; delivery <= 3; delivery += 1) {
      await eventually(() => expect(web.stats.requestsFor(poison)).toBe(delivery), { timeoutMs: 60_000 });
      if (delivery === 3) break;
      await eventually(async () => expect((await domainDoc()).body.deliveries).toBe(delivery));
      await trawl.kill('scraper');
      await trawl.launch('scraper');
    }

    const doc = await eventually(
      async () => {
        const { body } = await api<Doc>('GET', `/api/v1/batches/${batchId}`);
        expect(body.status).toBe('failed');
        return body;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(doc.failed_domains).toBe(1);
    const { body: domain } = await domainDoc();
    expect(domain).toMatchObject({
      status: 'failed',
      attempts: 1,
      deliveries: 3,
      error: {
        class: 'poison_command',
        message: 'attempt 1 was delivered 2 times without a result',
        retryable: false,
      },
    });

    // The third delivery's scraper dies too, leaving the command uncommitted. Once the attempt
    // has expired, the next scraper drops it without a request to the site.
    await trawl.kill('scraper');
    const expiresIn = submittedAt + attemptTimeoutMs - Date.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresIn)));
    await trawl.launch('scraper');
    await eventually(() => expect(trawl!.logs('scraper').join('\n')).toContain('scrape command expired'), {
      timeoutMs: 60_000,
    });
    expect(web.stats.requestsFor(poison)).toBe(3);
    const metrics = await fetch(`${trawl.processes.get('scraper')!.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^trawl_expired_commands_total{service="scraper"} 1$/m);
  });
});
