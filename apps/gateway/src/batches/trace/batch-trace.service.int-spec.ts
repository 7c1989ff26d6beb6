import http from 'node:http';
import net from 'node:net';
import { loadTrawlConfig } from '@trawl/config';
import { type Log } from '@trawl/telemetry';
import { type Database } from '../../common/database';
import { type ApiError } from '../../http/api-error';
import { BatchTraceService } from './batch-trace.service';

const BATCH = '282348a7-ac5b-41c2-a279-9eea14a17bcc';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The service between a stand-in projection (one batch of tenant acme) and a loopback stand-in for Jaeger. */
describe("a batch's trace: answers and failures", () => {
  let server: http.Server;
  let url: string;
  let answer: (response: http.ServerResponse) => void;
  const log = { warn: jest.fn() };

  beforeAll(async () => {
    server = http.createServer((_request, response) => answer(response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const database = {
    rows: (_sql: string, [id, tenant]: [string, string]) =>
      Promise.resolve(id === BATCH && tenant === 'acme' ? [{ trace_id: TRACE_ID }] : []),
  } as unknown as Database;
  const service = (env: Record<string, string> = {}) =>
    new BatchTraceService(database, loadTrawlConfig({ JAEGER_QUERY_URL: url, ...env }), log as unknown as Log);
  const failure = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => undefined,
      (e: unknown) => e,
    )) as ApiError;
    return { status: error.getStatus(), ...error.body, headers: error.headers };
  };

  it('answers the document, with jaeger_ui_url only when JAEGER_UI_URL is set', async () => {
    answer = (response) =>
      response.end(
        JSON.stringify({
          data: [
            {
              traceID: TRACE_ID,
              spans: [{ spanID: 'a', operationName: 'POST', startTime: 1e15, duration: 5000, processID: 'p' }],
              processes: { p: { serviceName: 'trawl-gateway' } },
            },
          ],
        }),
      );
    const doc = await service().trace('acme', BATCH);
    expect(doc).toMatchObject({ batch_id: BATCH, trace_id: TRACE_ID, span_count: 1, truncated: false });
    expect(doc).not.toHaveProperty('jaeger_ui_url');
    expect(Object.keys(doc)).toEqual([
      'batch_id',
      'trace_id',
      'span_count',
      'services',
      'start_time',
      'duration_ms',
      'error_count',
      'truncated',
      'domain_traces_query',
      'spans',
    ]);
    expect(doc.domain_traces_query.split('?')[0]).toBe('/api/traces');
    expect(Object.fromEntries(new URLSearchParams(doc.domain_traces_query.split('?')[1]))).toEqual({
      service: 'trawl-scheduler',
      operation: 'dispatch',
      tags: JSON.stringify({ 'trawl.batch.id': BATCH }),
    });
    const linked = await service({ JAEGER_UI_URL: 'https://jaeger.example.com/ui/' }).trace('acme', BATCH);
    expect(linked.jaeger_ui_url).toBe(`https://jaeger.example.com/ui/trace/${TRACE_ID}`);
  });

  it("404s another tenant's batch and a trace Jaeger does not have", async () => {
    expect(await failure(service().trace('other', BATCH))).toMatchObject({
      status: 404,
      message: `batch ${BATCH} not found`,
    });
    answer = (response) => {
      response.statusCode = 404;
      response.end(JSON.stringify({ data: null, errors: [{ code: 404, msg: 'trace not found' }] }));
    };
    expect(await failure(service().trace('acme', BATCH))).toMatchObject({
      status: 404,
      message: expect.stringMatching(/^the trace of batch .* is not in Jaeger: not yet/) as unknown,
    });
  });

  it('503s with Retry-After when Jaeger fails, naming Jaeger and nothing of the error; 502 for a huge trace', async () => {
    answer = (response) => {
      response.statusCode = 500;
      response.end('panic: runtime error at 10.1.2.3:16686');
    };
    const failed = await failure(service().trace('acme', BATCH));
    expect(failed).toMatchObject({
      status: 503,
      error: 'Service Unavailable',
      message: "Jaeger's query API (JAEGER_QUERY_URL) is not available: answered HTTP 500; try again shortly",
      headers: { 'Retry-After': '5' },
    });
    expect(log.warn).toHaveBeenCalledWith(
      expect.objectContaining({ batch_id: BATCH, reason: 'answered HTTP 500' }),
      'Jaeger unavailable; answered 503',
    );
    answer = (response) => {
      response.setHeader('content-length', String(100 * 1024 * 1024));
      response.write('{');
    };
    expect(await failure(service().trace('acme', BATCH))).toMatchObject({
      status: 502,
      message: expect.stringMatching(/larger than the gateway reads \(64 MiB\)/) as unknown,
    });
  });
});
