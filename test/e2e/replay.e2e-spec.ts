import pg from 'pg';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(240_000);

interface Summary {
  events: number;
  identical: boolean;
  swapped: boolean;
  backup_schema: string | null;
  batches: { live: number; replayed: number; differing: number };
  domains: { differing: number };
  pages: { differing: number };
  listed: { table: string; batch_id: string; kind: string }[];
}

/** `trawl replay`: the projection rebuilt from the batch-events log, compared, and swapped in. */
describe('replaying the batch-events log', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('replay', {
      env: { TRAWL_RESOLVE: web.resolveSpec(), SCHEDULER_RETRY_BASE_MS: '100', SCHEDULER_RETRY_MAX_MS: '200' },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  /** `trawl replay …`, with its exit code (1 when the projections differ). */
  async function replay(args: string[]): Promise<{ code: number; summary: Summary }> {
    try {
      const stdout = await trawl.cli(['replay', '--json', ...args]);
      return { code: 0, summary: JSON.parse(stdout) as Summary };
    } catch (error) {
      const { code, stdout, stderr } = error as { code?: number; stdout?: string; stderr?: string };
      if (code !== 1 || !stdout) throw new Error(`trawl replay failed (${code}): ${stderr}`);
      return { code, summary: JSON.parse(stdout) as Summary };
    }
  }

  async function settled(batchId: string): Promise<unknown> {
    return eventually(
      async () => {
        const { body } = await api<{ status: string }>('GET', `/api/v1/batches/${batchId}`);
        expect(['complete', 'partial', 'failed', 'cancelled']).toContain(body.status);
        return body;
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
  }

  /** What a user sees of a batch: its status document, its domains and one domain's pages. */
  async function documents(batchId: string, domain: string) {
    return {
      status: (await api('GET', `/api/v1/batches/${batchId}`)).body,
      domains: (await api('GET', `/api/v1/batches/${batchId}/domains?limit=500`)).body,
      domain: (await api('GET', `/api/v1/batches/${batchId}/domains/${domain}`)).body,
    };
  }

  it('rebuilds the same projection, restores a dropped one with --swap, and changes nothing when run again', async () => {
    const domains = [
      ...Array.from({ length: 12 }, (_, i) => `r${i}.ok.fixture.test`),
      'r-down.down.fixture.test',
      'r-404.404.fixture.test',
    ];
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 3,
      max_concurrent_jobs: 4,
      metadata: { source: 'replay spec', emoji: '🦀' },
    });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;
    await settled(batchId);
    const before = await documents(batchId, 'r3.ok.fixture.test');

    // The live projection is exactly what the log rebuilds.
    const same = await replay([]);
    expect(same.code).toBe(0);
    expect(same.summary).toMatchObject({ identical: true, swapped: false, batches: { live: 1, replayed: 1 } });
    expect(same.summary.events).toBeGreaterThanOrEqual(2 + 3 * domains.length);

    // The projection is lost: the rebuilt one says so, and --swap (with the aggregator stopped) restores it.
    const db = new pg.Client({ connectionString: trawl.db.url });
    await db.connect();
    await db.query('delete from batches');
    await db.end();
    const lost = await replay([]);
    expect(lost.code).toBe(1);
    expect(lost.summary.listed).toContainEqual({ table: 'batches', batch_id: batchId, kind: 'only_replayed' });

    const refused = await trawl.cli(['replay', '--swap']).catch((error: { stderr?: string }) => error.stderr ?? '');
    expect(refused).toMatch(/--swap needs the aggregators stopped/);

    await trawl.terminate('aggregator');
    expect((await replay(['--swap'])).summary).toMatchObject({ swapped: true, identical: false });
    expect(await documents(batchId, 'r3.ok.fixture.test')).toEqual(before);

    // The swapped-in projection goes on: the aggregator takes it from there without applying anything twice.
    await trawl.launch('aggregator');
    const next = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: ['after-swap.ok.fixture.test'],
      max_pages: 1,
    });
    await settled(next.body.batch_id);
    expect(await documents(batchId, 'r3.ok.fixture.test')).toEqual(before);
    const again = await replay([]);
    expect(again.summary).toMatchObject({ identical: true, batches: { live: 2, replayed: 2 } });
  });
});
