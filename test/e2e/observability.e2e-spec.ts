import net from 'node:net';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import { apiClient, type ServiceName, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(180_000);

interface JaegerSpan {
  spanID: string;
  operationName: string;
  references: { refType: string; spanID: string }[];
  tags: { key: string; value: string | number | boolean }[];
  processID: string;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

const tag = (span: JaegerSpan, key: string) => span.tags.find((entry) => entry.key === key)?.value;

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
      env: { TRAWL_RESOLVE: web.resolveSpec(), TRAWL_STUCK_AFTER_MS: '4000', SCHEDULER_MAX_ATTEMPTS: '1' },
    });
    api = apiClient(trawl.gatewayUrl, await trawl.apiKey('acme'));
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  const metricsOf = async (service: ServiceName) =>
    (await fetch(`${trawl.processes.get(service)!.url}/metrics`)).text();

  it('gives one readable trace, metrics on every service and one access log line per request', async () => {
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

    // The trace: HTTP server and client spans, producer and consumer spans, named by convention.
    const prefix = trawl.topicPrefix;
    const trace = await eventually(
      async () => {
        const response = await fetch(`${stackEnv().JAEGER_QUERY_URL}/api/traces/${doc.trace_id}`);
        const { data } = (await response.json()) as { data: JaegerTrace[] };
        const found = data[0]!;
        const names = found.spans.map((span) => span.operationName);
        expect(names).toContain('POST /api/v1/batches');
        expect(names).toContain(`send ${prefix}batch-events`);
        expect(names).toContain(`send ${prefix}domain-commands`);
        expect(names).toContain(`process ${prefix}domain-commands`);
        expect(names.filter((name) => name === 'GET page').length).toBeGreaterThanOrEqual(3);
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    const named = (name: string) => trace.spans.filter((span) => span.operationName === name);
    expect(tag(named('POST /api/v1/batches')[0]!, 'http.route')).toBe('/api/v1/batches');
    const send = named(`send ${prefix}batch-events`)[0]!;
    expect(tag(send, 'messaging.operation.type')).toBe('send');
    expect(tag(send, 'span.kind')).toBe('producer');
    const process = named(`process ${prefix}domain-commands`)[0]!;
    expect(tag(process, 'messaging.operation.type')).toBe('process');
    expect(tag(process, 'messaging.consumer.group.name')).toBe(`${prefix}scraper`);
    expect(tag(process, 'messaging.destination.partition.id')).toEqual(expect.any(String));
    const page = named('GET page')[0]!;
    expect(tag(page, 'http.request.method')).toBe('GET');
    expect(tag(page, 'server.address')).toMatch(/\.ok\.fixture\.test$/);
    expect(tag(page, 'span.kind')).toBe('client');
    const services = new Set(trace.spans.map((span) => trace.processes[span.processID]!.serviceName));
    expect([...services].sort()).toEqual(['trawl-aggregator', 'trawl-gateway', 'trawl-scheduler', 'trawl-scraper']);
    // No dangling parents: every parent a span names is in the trace.
    const ids = new Set(trace.spans.map((span) => span.spanID));
    const dangling = trace.spans.filter((span) =>
      span.references.some((ref) => ref.refType === 'CHILD_OF' && !ids.has(ref.spanID)),
    );
    expect(dangling.map((span) => span.operationName)).toEqual([]);

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

    // One JSON line per request, with its route, status and trace.
    const lines = trawl
      .logs('gateway')
      .filter((line) => line.includes('"http request"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const post = lines.find((line) => line.method === 'POST' && line.route === '/api/v1/batches');
    expect(post).toMatchObject({ status: 202, trace_id: doc.trace_id, path: '/api/v1/batches' });
    expect(lines.some((line) => line.route === '/api/v1/batches/:id' && line.status === 200)).toBe(true);

    // The services' lines about the batch join its trace: trace and span ids, the batch, and the domain where known.
    const crawled = trawl
      .logs('scraper')
      .filter((line) => line.includes('"domain crawled"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(crawled.length).toBeGreaterThan(0);
    for (const line of crawled) {
      expect(line).toMatchObject({ trace_id: doc.trace_id, batch_id: batchId, domain: expect.any(String) });
      expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
    const finished = trawl
      .logs('scheduler')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === 'batch finished' && line.batch_id === batchId);
    expect(finished).toMatchObject({ trace_id: doc.trace_id });
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
      const warnings = dark.logs('scraper').filter((line) => line.includes('span export failing'));
      expect(warnings).toHaveLength(1);
    } finally {
      await dark.stop();
    }
  });
});
