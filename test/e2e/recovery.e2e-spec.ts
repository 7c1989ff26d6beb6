import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(240_000);

interface Doc {
  status: string;
  completed_domains: number;
  failed_domains: number;
  cancelled_domains: number;
  domain_statuses: Record<string, string>;
}

describe('when a service dies mid-batch', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest | undefined;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
  });

  afterEach(async () => {
    await trawl?.stop();
    trawl = undefined;
  });

  afterAll(async () => {
    await web?.close();
  });

  it('a scheduler killed and started again neither loses nor re-dispatches finished domains', async () => {
    // A killed member keeps its partitions until its session times out: keep that short here.
    trawl = await TrawlUnderTest.start('sched-restart', {
      env: { TRAWL_RESOLVE: web.resolveSpec(), KAFKA_SESSION_TIMEOUT_MS: '8000' },
    });
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
    const domains = Array.from({ length: 12 }, (_, i) => `sr--d250-s${i}.slow.fixture.test`);
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: 2,
    });
    expect(created.status).toBe(202);
    const status = () => api<Doc>('GET', `/api/v1/batches/${created.body.batch_id}`);

    const finishedBeforeKill = await eventually(async () => {
      const { body } = await status();
      expect(body.completed_domains).toBeGreaterThanOrEqual(3);
      return Object.entries(body.domain_statuses)
        .filter(([, s]) => s === 'succeeded')
        .map(([domain]) => domain);
    });
    await trawl.kill('scheduler');
    await trawl.launch('scheduler');

    const doc = await eventually(
      async () => {
        const { body } = await status();
        expect(body.status).toBe('complete');
        return body;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    expect(doc.completed_domains).toBe(12);
    // Every finished domain was crawled exactly once: one robots.txt and one page request.
    for (const domain of finishedBeforeKill) expect(web.stats.requestsFor(domain)).toBe(2);
    for (const domain of domains) expect(web.stats.requestsFor(domain)).toBeGreaterThanOrEqual(2);
  });

  it('a crawl longer than the consumer session timeout is not redelivered', async () => {
    trawl = await TrawlUnderTest.start('long-crawl', {
      env: { TRAWL_RESOLVE: web.resolveSpec(), KAFKA_SESSION_TIMEOUT_MS: '6000', SCRAPER_PAGE_TIMEOUT_MS: '20000' },
    });
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
    // robots.txt, the page and its sitemap each take 4 s: about 12 s, twice the session timeout.
    const domain = 'lc--d4000-long.slow.fixture.test';
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', { domains: [domain], max_pages: 1 });
    const doc = await eventually(
      async () => {
        const { body } = await api<Doc>('GET', `/api/v1/batches/${created.body.batch_id}`);
        expect(body.status).toBe('complete');
        return body;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(doc.completed_domains).toBe(1);
    // One crawl is robots.txt, the page and at most a sitemap: a redelivery would crawl it again.
    expect(web.stats.requestsFor(domain)).toBeLessThanOrEqual(3);
    expect(trawl.logs('scraper').join('\n')).not.toMatch(/rebalanc/i);
  });
  it.each(['aggregator', 'scheduler', 'scraper'] as const)(
    'the %s, killed with -9 and started again under its instance id, resumes within seconds, not a session timeout',
    async (victim) => {
      // The default 30 s session timeout: without taking its membership back, the successor would wait it out.
      trawl = await TrawlUnderTest.start(`resume-${victim}`, { env: { TRAWL_RESOLVE: web.resolveSpec() } });
      const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
      const domains = Array.from({ length: 30 }, (_, i) => `rs${victim.slice(0, 3)}--d150-s${i}.slow.fixture.test`);
      const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
        domains,
        max_pages: 1,
        max_concurrent_jobs: 2,
      });
      const status = async () => (await api<Doc>('GET', `/api/v1/batches/${created.body.batch_id}`)).body;
      const before = await eventually(
        async () => {
          const body = await status();
          expect(body.completed_domains).toBeGreaterThanOrEqual(4);
          return body.completed_domains;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      await trawl.kill(victim);
      const killedAt = Date.now();
      await trawl.launch(victim);
      await eventually(async () => expect((await status()).completed_domains).toBeGreaterThan(before + 1), {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      const resumedAfterMs = Date.now() - killedAt;
      process.stdout.write(`kill -9 ${victim} -> work resumed after ${resumedAfterMs} ms\n`);
      expect(resumedAfterMs).toBeLessThan(12_000);
      const doc = await eventually(
        async () => {
          const body = await status();
          expect(body.status).toBe('complete');
          return body;
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      );
      expect(doc.completed_domains).toBe(30);
    },
  );
});
