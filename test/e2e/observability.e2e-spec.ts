import net from 'node:net';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import {
  attemptTraces,
  danglingParents,
  jaegerTrace,
  type JaegerTrace,
  rootsOf,
  serviceOf,
  tagOf as tag,
} from '../support/jaeger-traces';
import { apiClient, type ServiceName, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(180_000);

/** The lines of one metric family whose labels include all of `labels`. */
function series(metrics: string, name: string, labels: Record<string, string>): number[] {
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

/** Traces, metrics and access logs of one small batch, as a Jaeger user and an operator see them. */
describe('observing a batch', () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('observability', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        TRAWL_STUCK_AFTER_MS: '4000',
        SCHEDULER_MAX_ATTEMPTS: '1',
        SCRAPER_PAGE_SPANS_PERCENT: '100',
      },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  const metricsOf = async (service: ServiceName) =>
    (await fetch(`${trawl.processes.get(service)!.url}/metrics`)).text();

  it('gives a small batch trace, one trace per domain attempt, metrics on every service and one access log line per request', async () => {
    const domains = ['o1.ok.fixture.test', 'o2.ok.fixture.test', 'o3.ok.fixture.test', 'o4.down.fixture.test'];
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', { domains, max_pages: 2 });
    expect(created.status).toBe(202);
    const batchId = created.body.batch_id;
    const doc = await eventually(
      async () => {
        const { body } = await api<{ status: string; trace_id: string }>('GET', `/api/v1/batches/${batchId}`);
        expect(body.status).toBe('partial');
        return body;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    // The batch's trace: the batch-level story only (the request, the scheduler's runs that take
    // batch events or end the batch, and what they send), in the gateway, scheduler and aggregator.
    const prefix = trawl.topicPrefix;
    const jaeger = stackEnv().JAEGER_QUERY_URL;
    const batchTrace = await eventually(
      async () => {
        const found = (await jaegerTrace(jaeger, doc.trace_id))!;
        const names = found.spans.map((span) => span.operationName);
        expect(names).toContain('POST /api/v1/batches');
        expect(names).toContain(`send ${prefix}batch-events`);
        expect(names).toContain(`process ${prefix}batch-events`);
        expect(names).toContain('scheduler decisions');
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const inBatch = (name: string) => batchTrace.spans.filter((span) => span.operationName === name);
    expect(tag(inBatch('POST /api/v1/batches')[0]!, 'http.route')).toBe('/api/v1/batches');
    const send = inBatch(`send ${prefix}batch-events`)[0]!;
    expect(tag(send, 'messaging.operation.type')).toBe('send');
    expect(tag(send, 'span.kind')).toBe('producer');
    const batchServices = new Set(batchTrace.spans.map((span) => serviceOf(batchTrace, span)));
    expect([...batchServices].sort()).toEqual(['trawl-aggregator', 'trawl-gateway', 'trawl-scheduler']);
    expect(rootsOf(batchTrace).map((span) => span.operationName)).toEqual(['POST /api/v1/batches']);
    expect(danglingParents(batchTrace).map((span) => span.operationName)).toEqual([]);
    // Nothing per domain: no dispatch, crawl or page spans.
    for (const name of ['dispatch', 'scrape domain', 'GET page', `process ${prefix}domain-commands`]) {
      expect(inBatch(name)).toEqual([]);
    }

    // One trace per domain attempt, found by the batch id: a `dispatch` root linked to the batch's
    // trace, the command's send and the scraper's process, crawl and page spans, and the
    // scheduler's and the aggregator's processing of the attempt's events.
    const attempts = await eventually(
      async () => {
        const found = await attemptTraces(jaeger, batchId);
        expect(found).toHaveLength(4);
        for (const one of found) {
          const names = one.spans.map((span) => span.operationName);
          expect(names).toContain('scrape domain');
          const groups = one.spans
            .filter((span) => span.operationName === `process ${prefix}batch-events`)
            .filter((span) => ['domain.scraped', 'domain.failed'].includes(String(tag(span, 'trawl.message.type'))))
            .map((span) => tag(span, 'messaging.consumer.group.name'));
          expect(groups.sort()).toEqual([`${prefix}aggregator`, `${prefix}scheduler`]);
        }
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const traceOfDomain = new Map<string, JaegerTrace>();
    for (const one of attempts) {
      const [root, ...others] = rootsOf(one);
      expect(others).toEqual([]);
      expect(root).toMatchObject({ operationName: 'dispatch' });
      expect(serviceOf(one, root!)).toBe('trawl-scheduler');
      expect(tag(root!, 'trawl.batch.id')).toBe(batchId);
      expect(tag(root!, 'trawl.attempt')).toBe(1);
      expect(root!.references).toContainEqual(
        expect.objectContaining({ refType: 'FOLLOWS_FROM', traceID: doc.trace_id }),
      );
      expect(danglingParents(one).map((span) => span.operationName)).toEqual([]);
      const services = new Set(one.spans.map((span) => serviceOf(one, span)));
      expect([...services].sort()).toEqual(['trawl-aggregator', 'trawl-scheduler', 'trawl-scraper']);
      traceOfDomain.set(String(tag(root!, 'trawl.domain')), one);
    }
    expect([...traceOfDomain.keys()].sort()).toEqual([...domains].sort());
    const okTrace = traceOfDomain.get('o1.ok.fixture.test')!;
    const named = (name: string) => okTrace.spans.filter((span) => span.operationName === name);
    expect(named(`send ${prefix}domain-commands`)).toHaveLength(1);
    const process = named(`process ${prefix}domain-commands`)[0]!;
    expect(tag(process, 'messaging.operation.type')).toBe('process');
    expect(tag(process, 'messaging.consumer.group.name')).toBe(`${prefix}scraper`);
    expect(tag(process, 'messaging.destination.partition.id')).toEqual(expect.any(String));
    expect(named('GET page').length).toBeGreaterThanOrEqual(1);
    const page = named('GET page')[0]!;
    expect(tag(page, 'http.request.method')).toBe('GET');
    expect(tag(page, 'server.address')).toBe('o1.ok.fixture.test');
    expect(tag(page, 'span.kind')).toBe('client');
    // The domain that is down: its crawl span failed, with the error's class.
    const down = traceOfDomain.get('o4.down.fixture.test')!;
    const failedCrawl = down.spans.find((span) => span.operationName === 'scrape domain')!;
    expect(tag(failedCrawl, 'error')).toBe(true);
    expect(tag(failedCrawl, 'trawl.outcome')).toBe('domain.failed');

    // Metrics an operator can alert on, on every service.
    const gateway = await metricsOf('gateway');
    expect(
      series(gateway, 'trawl_http_request_duration_seconds_count', { route: '/api/v1/batches', status: '202' }),
    ).toEqual([1]);
    const scraper = await metricsOf('scraper');
    expect(series(scraper, 'trawl_fetches_total', { kind: 'page', outcome: '2xx' })[0]).toBeGreaterThanOrEqual(3);
    expect(series(scraper, 'trawl_domains_crawled_total', { outcome: 'scraped' })).toEqual([3]);
    expect(series(scraper, 'trawl_domains_crawled_total', { outcome: 'failed' })).toEqual([1]);
    expect(series(scraper, 'trawl_crawl_duration_seconds_count', { outcome: 'scraped' })).toEqual([3]);
    expect(series(scraper, 'trawl_consumer_lag', { topic: `${prefix}domain-commands` }).length).toBeGreaterThan(0);
    await eventually(async () => {
      const aggregator = await metricsOf('aggregator');
      expect(series(aggregator, 'trawl_projection_lag_seconds_count', {})[0]).toBeGreaterThanOrEqual(14);
      expect(series(aggregator, 'trawl_batches', { status: 'partial' })).toEqual([1]);
    });

    // The scheduler's readiness covers its timer loop (retries and attempt deadlines).
    const ready = await fetch(`${trawl.processes.get('scheduler')!.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: { name: string; ready: boolean }[] }).checks).toContainEqual(
      expect.objectContaining({ name: 'timer loop', ready: true }),
    );

    // One JSON line per request, with its route, status and trace. A line can reach the test's end of
    // the pipe a moment after the answer it logs: read until it is there.
    await eventually(() => {
      const lines = trawl
        .logs('gateway')
        .filter((line) => line.includes('"http request"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const post = lines.find((line) => line.method === 'POST' && line.route === '/api/v1/batches');
      expect(post).toMatchObject({ status: 202, trace_id: doc.trace_id, path: '/api/v1/batches' });
      expect(lines.some((line) => line.route === '/api/v1/batches/:id' && line.status === 200)).toBe(true);
    });

    // The services' lines join the traces: a crawl's line carries its attempt's trace (and span) id,
    // with the batch id and the domain that lead to the batch's trace.
    await eventually(() => {
      const crawled = trawl
        .logs('scraper')
        .filter((line) => line.includes('"domain crawled"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(crawled).toHaveLength(4);
      for (const line of crawled) {
        const attempt = traceOfDomain.get(String(line.domain))!;
        expect(line).toMatchObject({ trace_id: attempt.traceID, batch_id: batchId, attempt: 1 });
        expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
      }
      const finished = trawl
        .logs('scheduler')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((line) => line.msg === 'batch finished' && line.batch_id === batchId);
      expect(finished).toMatchObject({ trace_id: doc.trace_id });
    });
  });
  it('neither slows nor breaks the pipeline when the collector is unreachable: spans dropped, counted, one warning', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const dark = await TrawlUnderTest.start('observability-dark', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
      },
    });
    try {
      const darkApi = apiClient(dark.gatewayUrl, await dark.apiKey('acme'));
      const started = Date.now();
      const created = await darkApi<{ batch_id: string }>('POST', '/api/v1/batches', {
        domains: ['dark1.ok.fixture.test', 'dark2.ok.fixture.test'],
        max_pages: 2,
      });
      await eventually(
        async () =>
          expect(
            (await darkApi<{ status: string }>('GET', `/api/v1/batches/${created.body.batch_id}`)).body.status,
          ).toBe('complete'),
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(Date.now() - started).toBeLessThan(15_000);
      await eventually(
        async () => {
          const metrics = await (await fetch(`${dark.processes.get('scraper')!.url}/metrics`)).text();
          expect(series(metrics, 'trawl_spans_dropped_total', {})[0]).toBeGreaterThan(0);
        },
        { timeoutMs: 60_000, intervalMs: 1_000 },
      );
      const warnings = () => dark.logs('scraper').filter((line) => line.includes('span export failing'));
      await eventually(() => expect(warnings().length).toBeGreaterThan(0));
      expect(warnings()).toHaveLength(1);
    } finally {
      await dark.stop();
    }
  });
});
