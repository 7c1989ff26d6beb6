import http from 'node:http';
import net from 'node:net';
import { JaegerQueryClient, JaegerTraceTooLarge } from './jaeger-query.client';

/** A loopback stand-in for Jaeger's query API that answers as told. */
async function fakeJaeger(handler: http.RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const unavailable = (message: string) => ({ name: 'JaegerUnavailable', message });

const TRACE = {
  traceID: 'abc',
  spans: [{ spanID: 's', operationName: 'x', startTime: 1, duration: 1, processID: 'p1' }],
  processes: { p1: { serviceName: 'svc' } },
};

describe("reading a trace from Jaeger's query API", () => {
  const client = (url: string, options: { timeoutMs?: number; maxBytes?: number } = {}) =>
    new JaegerQueryClient({ baseUrl: url, timeoutMs: options.timeoutMs ?? 2_000, maxBytes: options.maxBytes ?? 1e6 });

  it('asks for /api/traces/{id} under the base URL and returns the trace', async () => {
    const paths: string[] = [];
    const jaeger = await fakeJaeger((request, response) => {
      paths.push(request.url!);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ data: [TRACE], total: 0, limit: 0, offset: 0, errors: null }));
    });
    try {
      expect(await client(jaeger.url).trace('abc')).toEqual(TRACE);
      expect(await client(`${jaeger.url}/jaeger/`).trace('abc')).toEqual(TRACE);
      expect(paths).toEqual(['/api/traces/abc', '/jaeger/api/traces/abc']);
    } finally {
      await jaeger.close();
    }
  });

  it('returns null for a trace Jaeger does not have (404, or no spans)', async () => {
    let empty = false;
    const jaeger = await fakeJaeger((_request, response) => {
      if (empty) return void response.end(JSON.stringify({ data: [{ ...TRACE, spans: [] }] }));
      response.statusCode = 404;
      response.end(JSON.stringify({ data: null, errors: [{ code: 404, msg: 'trace not found' }] }));
    });
    try {
      expect(await client(jaeger.url).trace('abc')).toBeNull();
      empty = true;
      expect(await client(jaeger.url).trace('abc')).toBeNull();
    } finally {
      await jaeger.close();
    }
  });

  it('says unavailable, in plain words, when Jaeger is unreachable, too slow, failing or not Jaeger', async () => {
    const closed = await fakeJaeger(() => undefined);
    await closed.close();
    await expect(client(closed.url).trace('abc')).rejects.toMatchObject(unavailable('unreachable'));

    let mode: 'hang' | 'slow-body' | '500' | 'html' = 'hang';
    const jaeger = await fakeJaeger((_request, response) => {
      if (mode === 'hang') return;
      if (mode === 'slow-body') return void response.write('{"data":[');
      if (mode === '500') {
        response.statusCode = 500;
        return void response.end('internal');
      }
      response.end('<html>not jaeger</html>');
    });
    try {
      const started = Date.now();
      await expect(client(jaeger.url, { timeoutMs: 300 }).trace('abc')).rejects.toMatchObject(
        unavailable('no answer within 300 ms'),
      );
      mode = 'slow-body';
      await expect(client(jaeger.url, { timeoutMs: 300 }).trace('abc')).rejects.toMatchObject(
        unavailable('no answer within 300 ms'),
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      mode = '500';
      await expect(client(jaeger.url).trace('abc')).rejects.toMatchObject(unavailable('answered HTTP 500'));
      mode = 'html';
      await expect(client(jaeger.url).trace('abc')).rejects.toMatchObject(
        unavailable('answered something that is not JSON'),
      );
    } finally {
      await jaeger.close();
    }
  });

  it('stops reading a trace bigger than its limit, declared or streamed', async () => {
    let declared = true;
    const jaeger = await fakeJaeger((_request, response) => {
      const body = JSON.stringify({ data: [{ ...TRACE, pad: 'x'.repeat(5_000) }] });
      if (declared) response.setHeader('content-length', Buffer.byteLength(body));
      else response.setHeader('transfer-encoding', 'chunked');
      response.end(body);
    });
    try {
      await expect(client(jaeger.url, { maxBytes: 1_000 }).trace('abc')).rejects.toBeInstanceOf(JaegerTraceTooLarge);
      declared = false;
      await expect(client(jaeger.url, { maxBytes: 1_000 }).trace('abc')).rejects.toBeInstanceOf(JaegerTraceTooLarge);
      expect(await client(jaeger.url, { maxBytes: 10_000 }).trace('abc')).toMatchObject({ traceID: 'abc' });
    } finally {
      await jaeger.close();
    }
  });
});
