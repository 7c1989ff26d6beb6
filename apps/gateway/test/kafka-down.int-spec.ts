import { eventually } from '../../../test/support/eventually';
import { freePort } from '../../../test/support/free-port';
import { GatewayHarness } from './gateway-harness';

jest.setTimeout(60_000);

describe('when Kafka is unreachable', () => {
  let gateway: GatewayHarness;
  let key: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start(
      'gw_kafka_down',
      { KAFKA_BROKERS: `127.0.0.1:${await freePort()}`, TRAWL_PUBLISH_TIMEOUT_MS: '300' },
      { waitFor: 'nothing' },
    );
    key = await gateway.keyFor('acme');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 503 with Retry-After: the outcome is unknown, and no submission is recorded without an ack', async () => {
    const answer = await gateway.request<{ statusCode: number; message: string }>('POST', '/api/v1/batches', {
      key,
      body: { domains: ['a.example', 'b.example'] },
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(answer.body.message).toMatch(/Kafka did not confirm batch .* the outcome is unknown/);
    expect(await gateway.sql.query(`select * from batch_submissions`)).toEqual([]);
  });

  it('also with an Idempotency-Key, whose claim stays so that every retry names the same batch', async () => {
    const request = () =>
      gateway.request<{ details: { batch_id: string }[] }>('POST', '/api/v1/batches', {
        key,
        body: { domains: ['a.example'] },
        headers: { 'idempotency-key': 'k-1' },
      });
    const first = await request();
    const second = await request();
    expect([first.status, second.status]).toEqual([503, 503]);
    const batchId = first.body.details[0]!.batch_id;
    expect(second.body.details[0]!.batch_id).toBe(batchId);
    expect(await gateway.sql.query(`select batch_id, state from batch_submissions`)).toEqual([
      { batch_id: batchId, state: 'submitting' },
    ]);
  });

  it('says so in readiness', async () => {
    const ready = await gateway.request<{ checks: { name: string; ready: boolean }[] }>('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toContainEqual(expect.objectContaining({ name: 'kafka', ready: false }));
    // In plain words: the driver's text (address, port, errno) is only in the log.
    await eventually(async () => {
      const again = await gateway.request<{ checks: { name: string; ready: boolean; detail: string }[] }>(
        'GET',
        '/health/ready',
      );
      expect(again.body.checks).toContainEqual({ name: 'kafka', ready: false, detail: 'not connected: unreachable' });
      expect(JSON.stringify(again.body)).not.toMatch(/ECONN|127\.0\.0\.1|KafkaJS|Connection error/);
    });
  });
});

describe('when Postgres is unreachable', () => {
  let gateway: GatewayHarness;

  beforeAll(async () => {
    // The harness keeps its own connection to a real test database; only the gateway gets a dead address.
    gateway = await GatewayHarness.start(
      'gw_db_down',
      { DATABASE_URL: `postgres://trawl:trawl@127.0.0.1:${await freePort()}/none` },
      { waitFor: 'kafka' },
    );
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers 503 with Retry-After rather than 500, even while checking the key', async () => {
    const key = await gateway.keyFor('acme');
    for (const [method, path] of [
      ['GET', '/api/v1/batches'],
      ['POST', '/api/v1/batches'],
    ] as const) {
      const body = method === 'POST' ? { domains: ['a.example'] } : undefined;
      const answer = await gateway.request<{ message: string }>(method, path, { key, body });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body.message).toMatch(/database/);
    }
  });
});
