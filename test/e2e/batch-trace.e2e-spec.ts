import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { Client } from 'pg';
import { type BatchTrace as TraceDocument } from '@trawl/contracts';
import { startFixtureWeb, type FixtureWeb } from '../fixture-web/fixture-web.server';
import { eventually } from '../support/eventually';
import { stackEnv } from '../support/stack-env';
import { apiClient, TrawlUnderTest } from '../support/trawl-services';

jest.setTimeout(180_000);

interface ErrorBody {
  statusCode: number;
  message: string;
}

// The batch's own trace: the request and the batch-level runs; each domain attempt has a trace of its own.
const SERVICES = ['trawl-aggregator', 'trawl-gateway', 'trawl-scheduler'];

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET /api/v1/batches/:id/trace against the real Jaeger of the stack. */
describe("a batch's trace through the API", () => {
  let web: FixtureWeb;
  let trawl: TrawlUnderTest;
  let key: string;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    web = await startFixtureWeb({ hostIdleMs: 0 });
    trawl = await TrawlUnderTest.start('batch-trace', {
      env: {
        TRAWL_RESOLVE: web.resolveSpec(),
        SCHEDULER_MAX_ATTEMPTS: '1',
        JAEGER_QUERY_URL: stackEnv().JAEGER_QUERY_URL,
        JAEGER_UI_URL: 'http://jaeger.example:16686/',
      },
    });
    key = await trawl.apiKey('acme');
    api = apiClient(trawl.gatewayUrl, key);
  });

  afterAll(async () => {
    await trawl?.stop();
    await web?.close();
  });

  let batchId: string;
  let traceId: string;

  it('answers the trace as a normalised document: three services, spans sorted by start, parents resolvable', async () => {
    const created = await api<{ batch_id: string; trace_id: string }>('POST', '/api/v1/batches', {
      domains: ['t1.ok.fixture.test', 't2.ok.fixture.test', 't3.down.fixture.test'],
      max_pages: 2,
    });
    expect(created.status).toBe(202);
    batchId = created.body.batch_id;
    traceId = created.body.trace_id;
    await eventually(
      async () =>
        expect((await api<{ status: string }>('GET', `/api/v1/batches/${batchId}`)).body.status).toBe('partial'),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const prefix = trawl.topicPrefix;
    let previousCount = -1;
    const doc = await eventually(
      async () => {
        const answer = await api<TraceDocument>('GET', `/api/v1/batches/${batchId}/trace`);
        expect(answer.status).toBe(200);
        expect(answer.body.services).toEqual(SERVICES);
        const names = answer.body.spans.map((span) => span.name);
        expect(names).toContain(`process ${prefix}batch-events`);
        expect(names.filter((name) => name === 'scheduler decisions').length).toBeGreaterThanOrEqual(2);
        // Every service has exported its spans: the count no longer grows.
        const stable = answer.body.span_count === previousCount;
        previousCount = answer.body.span_count;
        expect(stable).toBe(true);
        return answer.body;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );

    expect(doc).toMatchObject({
      batch_id: batchId,
      trace_id: traceId,
      truncated: false,
      jaeger_ui_url: `http://jaeger.example:16686/trace/${traceId}`,
    });
    expect(doc.span_count).toBe(doc.spans.length);
    // Each domain attempt's own trace, found with the search the document gives.
    const found = await fetch(`${stackEnv().JAEGER_QUERY_URL}${doc.domain_traces_query}&limit=100`);
    const attempts = ((await found.json()) as { data: { spans: { operationName: string }[] }[] }).data;
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts) expect(attempt.spans.map((span) => span.operationName)).toContain('scrape domain');
    expect(doc.duration_ms).toBeGreaterThan(0);
    expect(new Date(doc.start_time).getTime()).toBeGreaterThan(Date.now() - 5 * 60_000);
    // Sorted by start; the first one starts the trace.
    const offsets = doc.spans.map((span) => span.start_offset_ms);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(offsets[0]).toBe(0);
    // Every span from every service, every parent resolvable, one root: the POST.
    const ids = new Set(doc.spans.map((span) => span.span_id));
    expect(doc.spans.filter((span) => span.parent_span_id !== null && !ids.has(span.parent_span_id))).toEqual([]);
    const roots = doc.spans.filter((span) => span.parent_span_id === null);
    expect(roots.map((span) => [span.service, span.name, span.kind])).toEqual([
      ['trawl-gateway', 'POST /api/v1/batches', 'server'],
    ]);
    expect(roots[0]!.attributes).toMatchObject({ 'http.route': '/api/v1/batches', 'http.response.status_code': 202 });
    // Key attributes, named as in OpenTelemetry's conventions.
    const send = doc.spans.find(
      (span) => span.name === `send ${prefix}batch-events` && span.service === 'trawl-scheduler',
    )!;
    expect(send).toMatchObject({ kind: 'producer' });
    expect(send.attributes['messaging.destination.name']).toBe(`${prefix}batch-events`);
    expect(doc.spans.some((span) => span.attributes['trawl.batch.id'] === batchId)).toBe(true);
    // Nothing per domain: those spans are in each attempt's own trace.
    expect(doc.spans.filter((span) => span.attributes['trawl.domain'] !== undefined)).toEqual([]);
    // What failed says so, with its message.
    expect(doc.error_count).toBe(doc.spans.filter((span) => span.error).length);
    for (const span of doc.spans.filter((s) => !s.error)) expect(span.error_message).toBeNull();
  });

  it('is drawn as a waterfall in the terminal by `trawl trace`, or printed whole with --json', async () => {
    const env = { TRAWL_GATEWAY: trawl.gatewayUrl, TRAWL_API_KEY: key };
    const drawn = await trawl.trawl(['trace', batchId], { env });
    expect(drawn.stderr).toBe('');
    expect(drawn.code).toBe(0);
    const lines = drawn.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(traceId);
    expect(drawn.stdout).toContain('POST /api/v1/batches');
    expect(drawn.stdout).toMatch(/█/);
    expect(drawn.stdout).toContain('scheduler decisions');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(120);

    const whole = await trawl.trawl(['trace', batchId, '--json', '--limit', '5'], { env });
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.stdout)).toMatchObject({ trace_id: traceId, truncated: true, spans: expect.any(Array) });
    const missing = await trawl.trawl(['trace', randomUUID()], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^trawl: .*not found/);
  });

  it('caps the spans at ?limit= and says truncated, within the documented maximum', async () => {
    const answer = await api<TraceDocument>('GET', `/api/v1/batches/${batchId}/trace?limit=3`);
    expect(answer.status).toBe(200);
    expect(answer.body.spans).toHaveLength(3);
    expect(answer.body.truncated).toBe(true);
    expect(answer.body.span_count).toBeGreaterThan(3);
    expect(answer.body.services).toEqual(SERVICES);
    for (const limit of ['0', '10001', 'x']) {
      const bad = await api<ErrorBody>('GET', `/api/v1/batches/${batchId}/trace?limit=${limit}`);
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/limit/);
    }
  });

  it("answers 404 for an unknown batch, another tenant's batch, and a batch whose trace Jaeger does not have", async () => {
    const unknown = await api<ErrorBody>('GET', `/api/v1/batches/${randomUUID()}/trace`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/^batch .* not found$/);
    const other = apiClient(trawl.gatewayUrl, await trawl.apiKey('other'));
    expect((await other('GET', `/api/v1/batches/${batchId}/trace`)).status).toBe(404);
    expect((await apiClient(trawl.gatewayUrl, 'nope')('GET', `/api/v1/batches/${batchId}/trace`)).status).toBe(401);

    // A submission whose trace never reached Jaeger, and one made with tracing off.
    const [missing, untraced] = [randomUUID(), randomUUID()];
    const sql = new Client({ connectionString: trawl.db.url });
    await sql.connect();
    try {
      for (const [id, trace] of [
        [missing, randomBytes(16).toString('hex')],
        [untraced, null],
      ] as const) {
        await sql.query(
          `insert into batch_submissions (batch_id, tenant, request_hash, state, total_domains, max_pages,
             max_concurrent_jobs, metadata, trace_id, created_at)
           values ($1, 'acme', 'h', 'accepted', 1, 1, 1, '{}', $2, now())`,
          [id, trace],
        );
      }
    } finally {
      await sql.end();
    }
    const notInJaeger = await api<ErrorBody>('GET', `/api/v1/batches/${missing}/trace`);
    expect(notInJaeger.status).toBe(404);
    expect(notInJaeger.body.message).toMatch(/is not in Jaeger/);
    const noTrace = await api<ErrorBody>('GET', `/api/v1/batches/${untraced}/trace`);
    expect(noTrace.status).toBe(404);
    expect(noTrace.body.message).toMatch(/has no trace/);
  });

  it('answers 503 naming Jaeger, never raw driver text, when Jaeger is unreachable', async () => {
    const url = await trawl.launch(
      'gateway',
      { JAEGER_QUERY_URL: `http://127.0.0.1:${await closedPort()}` },
      'gateway-dark-jaeger',
    );
    const answer = await apiClient(url, key)<ErrorBody>('GET', `/api/v1/batches/${batchId}/trace`);
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(answer.body.message).toMatch(/^Jaeger's query API \(JAEGER_QUERY_URL\) is not available: unreachable/);
    expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|fetch failed/);
    // The log line may reach the process's output just after the answer.
    const warning = await eventually(() => {
      const lines = trawl.logs('gateway-dark-jaeger').filter((line) => line.includes('Jaeger unavailable'));
      expect(lines).toHaveLength(1);
      return lines;
    });
    expect(warning[0]).toMatch(/ECONNREFUSED/);
  });
});
