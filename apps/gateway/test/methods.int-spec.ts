import http from 'node:http';
import { GatewayHarness } from './gateway-harness';

jest.setTimeout(60_000);

/** A raw request (fetch refuses TRACE); resolves with status, headers and body text. */
function send(base: string, method: string, path: string): Promise<{ status: number; allow?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, base), { method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, allow: response.headers.allow, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('methods a route does not declare', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_methods');
  });

  afterAll(() => gateway?.close());

  it('answer 405 with Allow naming the declared ones, before authentication', async () => {
    const trace = await send(gateway.baseUrl, 'TRACE', '/api/v1/batches');
    expect(trace).toMatchObject({ status: 405, allow: 'GET, HEAD, POST' });
    expect(JSON.parse(trace.body)).toEqual({
      statusCode: 405,
      error: 'Method Not Allowed',
      message: 'TRACE is not allowed on /api/v1/batches; allowed: GET, HEAD, POST',
    });
    const id = '00000000-0000-4000-8000-000000000001';
    expect(await send(gateway.baseUrl, 'DELETE', `/api/v1/batches/${id}`)).toMatchObject({
      status: 405,
      allow: 'GET, HEAD',
    });
    expect(await send(gateway.baseUrl, 'PUT', '/health/live')).toMatchObject({ status: 405, allow: 'GET, HEAD' });
  });

  it('leave unknown paths a 404 and declared methods alone', async () => {
    expect((await send(gateway.baseUrl, 'TRACE', '/nowhere')).status).toBe(404);
    expect((await send(gateway.baseUrl, 'GET', '/api/v1/batches')).status).toBe(401);
    expect((await send(gateway.baseUrl, 'GET', '/health/live')).status).toBe(200);
  });
});
