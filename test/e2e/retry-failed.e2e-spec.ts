import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(120_000);

interface Status {
  status: string;
  completed_domains: number;
  failed_domains: number;
  pages_scraped: number;
  end_time: string | null;
  retry_rounds: number;
  retry_requested_at: string | null;
  domain_statuses: Record<string, string>;
}
interface DomainItem {
  domain: string;
  status: string;
  attempts: number;
  pages_scraped: number;
  error: { class: string } | null;
}

describe('retry-failed: a new round for the failed domains of an ended batch', () => {
  let web: FixtureWeb;
  let laterWeb: FixtureWeb | undefined;
  let laterPort: number;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;
  // Refuses connections until `laterWeb` listens on its port: fails in the first round, succeeds in the next.
  const comesBack = 'rf-back.ok.fixture.test';
  const staysDown = 'rf-gone.down.fixture.test';
  const healthy = ['rf-a.ok.fixture.test', 'rf-b.ok.fixture.test'];

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    laterPort = await freePort();
    trawl = await TrawlUnderTest.start('retry-failed', {
      env: {
        TRAWL_RESOLVE: `${comesBack}=127.0.0.1:${laterPort},${web.resolveSpec()}`,
        SCHEDULER_MAX_ATTEMPTS: '1',
      },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await laterWeb?.close();
    await web?.close();
  });

  const status = async (batchId: string) => (await api<Status>('GET', `/api/v1/batches/${batchId}`)).body;
  const ended = (batchId: string) =>
    eventually(
      async () => {
        const now = await status(batchId);
        expect(now.end_time).not.toBeNull();
        return now;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  const domains = async (batchId: string) => {
    const listed = await api<{ items: DomainItem[] }>('GET', `/api/v1/batches/${batchId}/domains?limit=100`);
    return Object.fromEntries(listed.body.items.map((item) => [item.domain, item]));
  };

  it('reopens only the failed domains, runs the batch again to its end, and counts the rounds', async () => {
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: [...healthy, comesBack, staysDown],
      max_pages: 2,
      max_concurrent_jobs: 2,
    });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;
    const early = await api<{ message: string }>('POST', `/api/v1/batches/${batchId}/retry-failed`);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/retry-failed is for a batch that ended/);

    const first = await ended(batchId);
    expect(first).toMatchObject({ status: 'partial', completed_domains: 2, failed_domains: 2, retry_rounds: 0 });
    const before = await domains(batchId);
    expect(before[comesBack]).toMatchObject({ status: 'failed', attempts: 1 });
    const healthyPages = healthy.reduce((sum, name) => sum + before[name]!.pages_scraped, 0);
    expect(first.pages_scraped).toBe(healthyPages);
    const healthyRequests = healthy.map((name) => web.stats.requestsFor(name));

    laterWeb = await startFixtureWeb({ port: laterPort, hostIdleMs: 0 });
    const retried = await api('POST', `/api/v1/batches/${batchId}/retry-failed`);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ batch_id: batchId, status: 'retrying', round: 1, domains: 2 });

    const second = await eventually(
      async () => {
        const now = await status(batchId);
        expect(now.retry_rounds).toBe(1);
        expect(now.end_time).not.toBeNull();
        return now;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(second).toMatchObject({ status: 'partial', completed_domains: 3, failed_domains: 1 });
    expect(second.retry_requested_at).not.toBeNull();
    const after = await domains(batchId);
    expect(after[comesBack]).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
    expect(after[comesBack]!.pages_scraped).toBeGreaterThan(0);
    expect(after[staysDown]).toMatchObject({ status: 'failed', attempts: 2 });
    // The healthy domains were not crawled again, and the page count is the rows' sum, the failed attempt's pages gone.
    for (const name of healthy) expect(after[name]).toMatchObject({ status: 'succeeded', attempts: 1 });
    const rows = Object.values(after).reduce((sum, item) => sum + item.pages_scraped, 0);
    expect(second.pages_scraped).toBe(rows);
    expect(healthy.map((name) => web.stats.requestsFor(name))).toEqual(healthyRequests);

    // The next round is round 2, for the one domain still failed.
    const again = await api('POST', `/api/v1/batches/${batchId}/retry-failed`);
    expect(again.body).toEqual({ batch_id: batchId, status: 'retrying', round: 2, domains: 1 });
    await eventually(
      async () => {
        const now = await status(batchId);
        expect(now).toMatchObject({ retry_rounds: 2, status: 'partial', failed_domains: 1 });
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect((await domains(batchId))[staysDown]).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('answers 409 for a batch with nothing failed and 404 for one it does not know', async () => {
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: ['rf-c.ok.fixture.test'],
      max_pages: 1,
    });
    const batchId = created.body.batch_id;
    expect((await ended(batchId)).status).toBe('complete');
    const nothing = await api<{ message: string }>('POST', `/api/v1/batches/${batchId}/retry-failed`);
    expect(nothing.status).toBe(409);
    expect(nothing.body.message).toBe(`batch ${batchId} has no failed domains to retry`);
    const unknown = await api('POST', '/api/v1/batches/00000000-0000-4000-8000-000000000000/retry-failed');
    expect(unknown.status).toBe(404);
    const notUuid = await api('POST', '/api/v1/batches/nope/retry-failed');
    expect(notUuid.status).toBe(400);
  });
});
