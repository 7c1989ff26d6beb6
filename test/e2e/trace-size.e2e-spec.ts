import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import {
  attemptTraces,
  danglingParents,
  jaegerTrace,
  type JaegerTrace,
  rootsOf,
  tagOf,
} from '../support/jaeger-traces';
import { stackEnv } from '../support/stack-env';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(120_000);

/**
 * A batch's trace keeps the batch-level story only, so its size does not follow the number of
 * domains; each domain attempt has a small trace of its own, and page spans of successful crawls
 * are sampled (here: none kept) while a failed crawl keeps all of them.
 */
describe('trace size of a batch', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;
  const jaeger = stackEnv().JAEGER_QUERY_URL;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('trace-size', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        SCHEDULER_MAX_ATTEMPTS: '2',
        SCHEDULER_RETRY_BASE_MS: '100',
        SCHEDULER_RETRY_MAX_MS: '200',
        SCRAPER_PAGE_SPANS_PERCENT: '0',
      },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  /** Runs a batch to its end; its trace once every service has exported (the span count stops moving). */
  async function traced(
    domains: string[],
    attemptCount = domains.length,
  ): Promise<{ batchId: string; batch: JaegerTrace; attempts: JaegerTrace[] }> {
    const created = await api<{ batch_id: string; trace_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: 50,
    });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;
    await eventually(
      async () =>
        expect((await api<{ status: string }>('GET', `/api/v1/batches/${batchId}`)).body.status).toMatch(
          /^(complete|partial)$/,
        ),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    let previous = '';
    return eventually(
      async () => {
        const batch = (await jaegerTrace(jaeger, created.body.trace_id))!;
        const attempts = await attemptTraces(jaeger, batchId);
        expect(attempts).toHaveLength(attemptCount);
        const counts = `${batch.spans.length}/${attempts.map((one) => one.spans.length).join(',')}`;
        const stable = counts === previous;
        previous = counts;
        expect(stable).toBe(true);
        return { batchId, batch, attempts };
      },
      { timeoutMs: 30_000, intervalMs: 1_500 },
    );
  }

  it('gives the batch trace the same size for 20 and for 200 domains; each attempt its own small trace', async () => {
    const names = (count: number, label: string) =>
      Array.from({ length: count }, (_, index) => `${label}${index}.ok.fixture.test`);
    // The site that is down is tried twice: two attempts, two traces.
    const small = await traced([...names(19, 's'), 'sdown.down.fixture.test'], 21);
    const large = await traced(names(200, 'l'));

    for (const { batch } of [small, large]) {
      expect(danglingParents(batch)).toEqual([]);
      expect(rootsOf(batch).map((span) => span.operationName)).toEqual(['POST /api/v1/batches']);
    }
    // The batch-level story: the request, batch.requested and batch.started, the run that
    // dispatches and the one that ends the batch. Not a span per domain.
    expect(small.batch.spans.length).toBeLessThan(30);
    expect(large.batch.spans.length).toBeLessThanOrEqual(small.batch.spans.length + 5);

    // Each attempt: its own trace, no dangling parents, a size that does not depend on the batch.
    for (const { attempts } of [small, large]) {
      for (const one of attempts) {
        expect(danglingParents(one)).toEqual([]);
        expect(rootsOf(one).map((span) => span.operationName)).toEqual(['dispatch']);
        expect(one.spans.length).toBeLessThan(40);
      }
    }
    const sizes = (attempts: JaegerTrace[]) => Math.max(...attempts.map((one) => one.spans.length));
    expect(sizes(large.attempts)).toBeLessThanOrEqual(sizes(small.attempts) + 4);

    // A retry is a new attempt, so a new trace, linked to the batch's like the first.
    const root = (one: JaegerTrace) => rootsOf(one)[0]!;
    const down = small.attempts.filter((one) => tagOf(root(one), 'trawl.domain') === 'sdown.down.fixture.test');
    expect(down.map((one) => tagOf(root(one), 'trawl.attempt')).sort()).toEqual([1, 2]);
    expect(new Set(down.map((one) => one.traceID)).size).toBe(2);
    for (const one of down) {
      expect(root(one).references).toContainEqual(
        expect.objectContaining({ refType: 'FOLLOWS_FROM', traceID: small.batch.traceID }),
      );
    }

    // Page spans (SCRAPER_PAGE_SPANS_PERCENT=0): none for a successful crawl, all for a failed one.
    const fetchSpans = (one: JaegerTrace) => one.spans.filter((span) => span.operationName.startsWith('GET '));
    for (const one of down) expect(fetchSpans(one).length).toBeGreaterThan(0);
    for (const one of small.attempts.filter((attempt) => !down.includes(attempt))) {
      expect(fetchSpans(one)).toEqual([]);
    }
    const metrics = await (await fetch(`${trawl.processes.get('scraper')!.url}/metrics`)).text();
    const sampledOut = /^trawl_spans_sampled_out_total(?:\{[^}]*\})? (\d+)/m.exec(metrics);
    expect(Number(sampledOut?.[1])).toBeGreaterThanOrEqual(219);
  });
});
