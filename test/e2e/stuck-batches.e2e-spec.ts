import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(180_000);

interface StatusDocument {
  status: string;
  updated_at: string;
  stuck_since: string | null;
}

describe('a batch that stops making progress', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    // No scraper at first: the batch's domain is queued and nothing happens.
    trawl = await TrawlUnderTest.start('stuck', {
      services: ['gateway', 'scheduler', 'aggregator'],
      env: { TRAWL_STUCK_AFTER_MS: '2000', TRAWL_RESOLVE: web.resolveSpec() },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('stuck'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  const stuckGauge = async () => {
    const text = await (await fetch(`${trawl.processes.get('aggregator')!.url}/metrics`)).text();
    return Number(/^trawl_stuck_batches(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? NaN);
  };

  it('is marked stuck once, counted, and cleared when progress resumes', async () => {
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: ['stuck.ok.fixture.test'],
      max_pages: 1,
    });
    const status = () => api<StatusDocument>('GET', `/api/v1/batches/${created.body.batch_id}`);

    const stuck = await eventually(
      async () => {
        const { body } = await status();
        expect(body.stuck_since).not.toBeNull();
        return body;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(stuck.status).toBe('running');
    expect(Date.parse(stuck.stuck_since!) - Date.parse(stuck.updated_at)).toBe(2000);
    await eventually(async () => expect(await stuckGauge()).toBe(1), { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a few more checks
    expect(trawl.logs('aggregator').filter((line) => line.includes('batch stuck: no progress'))).toHaveLength(1);

    await trawl.launch('scraper');
    const done = await eventually(
      async () => {
        const { body } = await status();
        expect(body.status).toBe('complete');
        return body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(done.stuck_since).toBeNull();
    await eventually(async () => expect(await stuckGauge()).toBe(0), { timeoutMs: 10_000 });
  });
});
