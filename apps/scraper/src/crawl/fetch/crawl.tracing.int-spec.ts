import { SpanKind, trace } from '@opentelemetry/api';
import { metricsRegistry } from '@trawl/telemetry';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fixtureHost, startFixtureWeb, type FixtureWeb } from '../../../../../test/fixture-web/fixture-web.server';
import { crawlDomain, parseResolveOverrides } from '../index';
import { testParsePool } from '../testing/crawl-test-kit';

jest.setTimeout(30_000);

const exporter = new InMemorySpanExporter();
let fixture: FixtureWeb;

beforeAll(async () => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  fixture = await startFixtureWeb();
  // The parse threads' first tasks load (and, from sources, compile) the parser: on a busy machine
  // that alone can outlast the 500 ms page deadline below, so the threads start before it counts.
  const parser = testParsePool();
  await Promise.all(
    Array.from({ length: parser.threads }, () =>
      parser.run({
        task: 'page',
        url: 'http://warm.up/',
        body: Buffer.from('<p>warm</p>'),
        contentType: 'text/html',
        requireMarkup: false,
        headers: {},
      }),
    ),
  );
});
afterAll(async () => {
  await fixture.close();
  trace.disable();
});

it('wraps each page fetch in a "GET page" span with url, status and domain', async () => {
  const host = fixtureHost('hostile', 'traced');
  await crawlDomain(host, {
    maxPages: 4, // /, /latin1, /slow-drip (timeout), /redirect-loop
    userAgent: 'Trawl/test',
    pageTimeoutMs: 500,
    domainTimeoutMs: 10_000,
    maxPageBytes: 1024 * 1024,
    politenessDelayMs: 0,
    maxCrawlDelayMs: 0,
    parser: testParsePool(),
    resolver: parseResolveOverrides(fixture.resolveSpec()),
  });
  const spans = exporter.getFinishedSpans();
  const pages = spans.filter((span) => span.name === 'GET page');
  expect(pages).toHaveLength(4);
  expect(pages[0]!.attributes).toMatchObject({
    'http.request.method': 'GET',
    'url.full': `http://${host}/`,
    'server.address': host,
    'server.port': 80,
    'http.response.status_code': 200,
    'trawl.domain': host,
  });
  expect(pages[0]!.kind).toBe(SpanKind.CLIENT);
  const counted = await metricsRegistry.getSingleMetricAsString('trawl_fetches_total');
  expect(counted).toMatch(/trawl_fetches_total\{kind="page",outcome="2xx"\} [1-9]/);
  expect(counted).toMatch(/trawl_fetches_total\{kind="page",outcome="too_many_redirects"\} 1/);
  expect(await metricsRegistry.getSingleMetricAsString('trawl_fetch_duration_seconds')).toMatch(
    /trawl_fetch_duration_seconds_count\{kind="robots.txt"\} [1-9]/,
  );
  const failed = pages.find((span) => span.attributes['error.type'] === 'too_many_redirects');
  expect(failed?.status.code).toBe(2); // SpanStatusCode.ERROR
  expect(spans.some((span) => span.name === 'GET robots.txt')).toBe(true);
  expect(spans.every((span) => span.ended)).toBe(true);
});
