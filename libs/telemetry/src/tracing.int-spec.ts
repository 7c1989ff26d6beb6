import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExportResultCode } from '@opentelemetry/core';
import { ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { eventually } from '../../../test/support/eventually';
import { stackEnv, uniqueName } from '../../../test/support/stack-env';
import { TrawlAttribute } from './attribute-names';

jest.setTimeout(30_000);

const repoRoot = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

/** Jaeger's query API (api/traces), the parts this test reads. */
interface JaegerTag {
  key: string;
  type: string;
  value: string | number | boolean;
}
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: string; traceID: string; spanID: string }>;
  tags: JaegerTag[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
}
interface Emitted {
  traceId: string;
  childTraceId: string;
  parentSpanId: string;
  childSpanId: string;
  results: Array<{ code: number; error?: string }>;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

const tagValue = (tags: JaegerTag[], key: string) => tags.find((tag) => tag.key === key)?.value;

describe('OTLP/HTTP export to the real Jaeger, read back through its query API', () => {
  const env = stackEnv();
  const serviceName = uniqueName('trawl-int-tracing');
  const marker = uniqueName('marker');

  it('stores a parent span and its child with attributes, kind, status and service', async () => {
    // The SDK's OTLPTraceExporter + BasicTracerProvider, local to a plain Node 24 process (not the
    // global startTracing): see test/stack/otlp-emitter.cjs for why it cannot run inside Jest.
    const { stdout } = await run(
      process.execPath,
      [
        path.join(repoRoot, 'test/stack/otlp-emitter.cjs'),
        JSON.stringify({
          endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
          serviceName,
          attributes: { [TrawlAttribute.batchId]: marker, 'http.response.status_code': 202 },
          childAttributes: { [TrawlAttribute.messageType]: 'batch.requested' },
        }),
      ],
      { cwd: repoRoot, timeout: 20_000 },
    );
    const emitted = JSON.parse(stdout) as Emitted;
    expect(emitted.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(emitted.childTraceId).toBe(emitted.traceId);
    expect(emitted.results).toEqual([{ code: ExportResultCode.SUCCESS }]);

    const found = await eventually(
      async () => {
        const body = await getJson<{ data: JaegerTrace[] }>(`${env.JAEGER_QUERY_URL}/api/traces/${emitted.traceId}`);
        const stored = body.data[0];
        expect(stored?.spans).toHaveLength(2);
        return stored!;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );

    expect(found.traceID).toBe(emitted.traceId);
    const server = found.spans.find((span) => span.spanID === emitted.parentSpanId)!;
    const producer = found.spans.find((span) => span.spanID === emitted.childSpanId)!;
    expect(server.operationName).toBe('POST /api/v3/batches');
    expect(tagValue(server.tags, TrawlAttribute.batchId)).toBe(marker);
    expect(tagValue(server.tags, 'http.response.status_code')).toBe(202);
    expect(tagValue(server.tags, 'span.kind')).toBe('server');
    expect(found.processes[server.processID]?.serviceName).toBe(serviceName);
    expect(tagValue(found.processes[server.processID]!.tags, ATTR_SERVICE_VERSION)).toBe('0.0.0-test');

    expect(producer.operationName).toBe('batch.requested publish');
    expect(producer.references).toEqual([
      expect.objectContaining({ refType: 'CHILD_OF', traceID: emitted.traceId, spanID: emitted.parentSpanId }),
    ]);
    expect(tagValue(producer.tags, TrawlAttribute.messageType)).toBe('batch.requested');
    expect(tagValue(producer.tags, 'span.kind')).toBe('producer');
    expect(tagValue(producer.tags, 'otel.status_code')).toBe('ERROR');
    expect(tagValue(producer.tags, 'error')).toBe(true);

    const services = await getJson<{ data: string[] }>(`${env.JAEGER_QUERY_URL}/api/services`);
    expect(services.data).toContain(serviceName);
    const operations = await getJson<{ data: Array<{ name: string; spanKind: string }> }>(
      `${env.JAEGER_QUERY_URL}/api/operations?service=${encodeURIComponent(serviceName)}`,
    );
    expect(operations.data).toEqual(
      expect.arrayContaining([
        { name: 'POST /api/v3/batches', spanKind: 'server' },
        { name: 'batch.requested publish', spanKind: 'producer' },
      ]),
    );
  });
});
