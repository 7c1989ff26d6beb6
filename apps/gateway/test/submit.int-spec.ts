import { Messages } from '@trawl/contracts';
import { eventually } from '../../../test/support/eventually';
import { type EventWatcher, GatewayHarness } from './gateway-harness';

jest.setTimeout(90_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Accepted {
  batch_id: string;
  status_url: string;
  job_count: number;
  created_at: string;
  trace_id: string | null;
}

describe('submitting batches', () => {
  let gateway: GatewayHarness;
  let watcher: EventWatcher;
  let key: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_submit');
    watcher = await gateway.watchBatchEvents();
    key = await gateway.keyFor('acme');
  });

  afterAll(async () => {
    await watcher?.stop();
    await gateway?.close();
  });

  const submit = (body: unknown, headers: Record<string, string> = {}, path = '/api/v1/batches') =>
    gateway.request<Accepted>('POST', path, { key, body, headers });

  it('answers 202 with the batch, a Location, and batch.requested on the topic', async () => {
    const answer = await submit({
      domains: ['Example.com', 'https://www.example.org/x?y#z', 'example.com.', 'bücher.de'],
      max_pages: 3,
      max_concurrent_jobs: 2,
      metadata: { campaign: 'spring', nested: { a: [1, 2] } },
    });
    expect(answer.status).toBe(202);
    const { batch_id } = answer.body;
    expect(batch_id).toMatch(UUID);
    expect(answer.body).toEqual({
      batch_id,
      status_url: `/api/v1/batches/${batch_id}`,
      job_count: 3,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      trace_id: null,
    });
    expect(answer.headers.get('location')).toBe(`/api/v1/batches/${batch_id}`);
    expect(answer.headers.get('idempotent-replayed')).toBeNull();

    const [event] = await eventually(() => {
      const events = watcher.ofBatch(batch_id);
      expect(events).toHaveLength(1);
      return events;
    });
    expect(event).toEqual({
      id: expect.stringMatching(UUID),
      type: 'batch.requested',
      version: Messages['batch.requested'].version,
      time: answer.body.created_at,
      tenant: 'acme',
      batch_id,
      data: {
        domains: ['example.com', 'www.example.org', 'xn--bcher-kva.de'],
        max_pages: 3,
        max_concurrent_jobs: 2,
        metadata: { campaign: 'spring', nested: { a: [1, 2] } },
        requested_at: answer.body.created_at,
        trace_id: null,
        idempotency_key: null,
      },
    });
    const rows = await gateway.sql.query(
      `select state, tenant, total_domains from batch_submissions where batch_id = $1`,
      [batch_id],
    );
    expect(rows).toEqual([{ state: 'accepted', tenant: 'acme', total_domains: 3 }]);
  });

  it('applies the defaults', async () => {
    const answer = await submit({ domains: ['defaults.example'] });
    expect(answer.status).toBe(202);
    const status = await gateway.request('GET', answer.body.status_url, { key });
    expect(status.body).toMatchObject({ max_pages: 10, max_concurrent_jobs: 5, metadata: {} });
  });

  it('answers pending (never 404) right after the 202, before the projection has the batch', async () => {
    const answer = await submit({ domains: ['a.example', 'b.example'], metadata: { m: 1 } });
    const status = await gateway.request('GET', `/api/v1/batches/${answer.body.batch_id}`, { key });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({
      batch_id: answer.body.batch_id,
      status: 'pending',
      total_domains: 2,
      completed_domains: 0,
      failed_domains: 0,
      cancelled_domains: 0,
      progress: 0,
      created_at: answer.body.created_at,
      updated_at: answer.body.created_at,
      start_time: null,
      end_time: null,
      processing_time: null,
      domain_statuses: {},
      error: null,
      metadata: { m: 1 },
      trace_id: null,
      max_pages: 10,
      max_concurrent_jobs: 5,
      pages_scraped: 0,
      cancel_requested_at: null,
      stuck_since: null,
      retry_rounds: 0,
      retry_requested_at: null,
    });
  });

  describe('with an Idempotency-Key', () => {
    it('returns the same batch for the same request, and publishes it once', async () => {
      const body = { domains: ['idem.example', 'idem2.example'], metadata: { b: 1, a: 2 } };
      const first = await submit(body, { 'idempotency-key': 'order-1' });
      expect(first.status).toBe(202);
      // The same request, with keys in another order and a domain spelled differently.
      const again = await submit(
        { metadata: { a: 2, b: 1 }, domains: ['https://IDEM.example/', 'idem2.example'] },
        { 'idempotency-key': 'order-1' },
      );
      expect(again.status).toBe(202);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(first.headers.get('location'));

      const marker = await submit({ domains: ['marker.example'] });
      await eventually(() => expect(watcher.ofBatch(marker.body.batch_id)).toHaveLength(1));
      const requested = watcher.ofBatch(first.body.batch_id).filter((event) => event.type === 'batch.requested');
      expect(requested).toHaveLength(1);
      expect(requested[0]!.data).toMatchObject({ idempotency_key: 'order-1' });
    });

    it('answers 422 when the key was used with different parameters', async () => {
      const first = await submit({ domains: ['k.example'] }, { 'idempotency-key': 'order-2' });
      expect(first.status).toBe(202);
      const other = await gateway.request<{ message: string }>('POST', '/api/v1/batches', {
        key,
        body: { domains: ['k.example'], max_pages: 2 },
        headers: { 'idempotency-key': 'order-2' },
      });
      expect(other.status).toBe(422);
      expect(other.body.message).toMatch(/already used for batch .* with different parameters/);
    });

    it('never creates two batches for concurrent requests with one key', async () => {
      const body = { domains: ['race.example'] };
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => submit(body, { 'idempotency-key': 'order-race' })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(202));
      expect(new Set(answers.map((answer) => answer.body.batch_id)).size).toBe(1);
      const rows = await gateway.sql.query(`select batch_id, state from batch_submissions where idempotency_key = $1`, [
        'order-race',
      ]);
      expect(rows).toEqual([{ batch_id: answers[0]!.body.batch_id, state: 'accepted' }]);
      const marker = await submit({ domains: ['marker2.example'] });
      await eventually(() => expect(watcher.ofBatch(marker.body.batch_id)).toHaveLength(1));
      const ids = new Set(watcher.ofBatch(answers[0]!.body.batch_id).map((event) => event.id));
      expect(ids.size).toBe(1);
    });

    it('re-publishes the same event when a crash left the submission unacknowledged', async () => {
      const first = await submit({ domains: ['crash.example'] }, { 'idempotency-key': 'order-crash' });
      await eventually(() => expect(watcher.ofBatch(first.body.batch_id)).toHaveLength(1));
      // As if the gateway had died between the insert and Kafka's ack.
      await gateway.sql.query(`update batch_submissions set state = 'submitting' where batch_id = $1`, [
        first.body.batch_id,
      ]);
      const pending = await gateway.request('GET', first.body.status_url, { key });
      expect(pending.status).toBe(404);

      const retry = await submit({ domains: ['crash.example'] }, { 'idempotency-key': 'order-crash' });
      expect(retry.status).toBe(202);
      expect(retry.body.batch_id).toBe(first.body.batch_id);
      await eventually(() => expect(watcher.ofBatch(first.body.batch_id)).toHaveLength(2));
      const [original, republished] = watcher.ofBatch(first.body.batch_id);
      expect(republished).toEqual(original);
      const rows = await gateway.sql.query(`select state from batch_submissions where batch_id = $1`, [
        first.body.batch_id,
      ]);
      expect(rows).toEqual([{ state: 'accepted' }]);
    });

    it('keeps keys per tenant', async () => {
      const otherKey = await gateway.keyFor('globex');
      const mine = await submit({ domains: ['shared-key.example'] }, { 'idempotency-key': 'order-shared' });
      const theirs = await gateway.request<Accepted>('POST', '/api/v1/batches', {
        key: otherKey,
        body: { domains: ['other.example'] },
        headers: { 'idempotency-key': 'order-shared' },
      });
      expect(theirs.status).toBe(202);
      expect(theirs.body.batch_id).not.toBe(mine.body.batch_id);
    });
  });

  describe('tenant isolation', () => {
    it("never shows one tenant's batch to another", async () => {
      const keyB = await gateway.keyFor('initech');
      const mine = await submit({ domains: ['private.example'] });
      const id = mine.body.batch_id;
      await gateway.sql.query(
        `insert into batches (id, tenant, status, total_domains, max_pages, max_concurrent_jobs, created_at, updated_at)
         values ($1, 'acme', 'running', 1, 10, 5, now(), now())`,
        [id],
      );
      for (const [method, path] of [
        ['GET', `/api/v1/batches/${id}`],
        ['GET', `/api/v1/batches/${id}/domains`],
        ['GET', `/api/v1/batches/${id}/domains/private.example`],
        ['POST', `/api/v1/batches/${id}/cancel`],
        ['GET', `/api/v3/batch_page_scraper/batch/${id}/status`],
      ] as const) {
        expect(`${method} ${path} ${(await gateway.request(method, path, { key: keyB })).status}`).toBe(
          `${method} ${path} 404`,
        );
      }
      const listB = await gateway.request<{ items: { batch_id: string }[] }>('GET', '/api/v1/batches', { key: keyB });
      expect(listB.body.items.map((item) => item.batch_id)).not.toContain(id);
      const listA = await gateway.request<{ items: { batch_id: string }[] }>('GET', '/api/v1/batches', { key });
      expect(listA.body.items.map((item) => item.batch_id)).toContain(id);
    });
  });

  describe('the v3 compatibility surface', () => {
    it('accepts and answers in the seed shapes', async () => {
      const created = await submit(
        { domains: ['v3.example', 'v3b.example'], max_pages: 2, max_concurrent_jobs: 1 },
        {},
        '/api/v3/batch_page_scraper/batch',
      );
      expect(created.status).toBe(202);
      const id = created.body.batch_id;
      expect(Object.keys(created.body).sort()).toEqual(['batch_id', 'created_at', 'job_count', 'status_url']);
      expect(created.body).toMatchObject({
        status_url: `/api/v3/batch_page_scraper/batch/${id}/status`,
        job_count: 2,
      });
      const status = await gateway.request<Record<string, unknown>>('GET', created.body.status_url, { key });
      expect(status.status).toBe(200);
      expect(status.body).toEqual({
        batch_id: id,
        status: 'pending',
        total_domains: 2,
        completed_domains: 0,
        failed_domains: 0,
        progress: 0,
        created_at: created.body.created_at,
        updated_at: created.body.created_at,
        start_time: null,
        end_time: null,
        processing_time: null,
        domain_statuses: {},
        error: null,
        metadata: { domain_count: 2 },
      });
      const [event] = await eventually(() => {
        const events = watcher.ofBatch(id);
        expect(events).toHaveLength(1);
        return events;
      });
      expect(event!.data).toMatchObject({
        max_pages: 2,
        max_concurrent_jobs: 1,
        domains: ['v3.example', 'v3b.example'],
      });
    });

    it('validates like v1 (and has no metadata)', async () => {
      const bad = await gateway.request<{ details: unknown[] }>('POST', '/api/v3/batch_page_scraper/batch', {
        key,
        body: { domains: ['ok.example', '10.0.0.1'] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([{ index: 1, value: '10.0.0.1', reason: 'IP literal' }]);
      const extra = await gateway.request('POST', '/api/v3/batch_page_scraper/batch', {
        key,
        body: { domains: ['ok.example'], metadata: {} },
      });
      expect(extra.status).toBe(400);
    });
  });

  describe('the OpenAPI document', () => {
    it('lists every route, with bearer auth and the DTO schemas', async () => {
      const doc = await gateway.request<{
        paths: Record<string, Record<string, unknown>>;
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      }>('GET', '/docs-json');
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths).sort()).toEqual(
        [
          '/api/v1/batches',
          '/api/v1/batches/{id}',
          '/api/v1/batches/{id}/cancel',
          '/api/v1/batches/{id}/domains',
          '/api/v1/batches/{id}/domains/{domain}',
          '/api/v1/batches/{id}/events',
          '/api/v1/batches/{id}/export',
          '/api/v1/batches/{id}/retry-failed',
          '/api/v1/batches/{id}/trace',
          '/api/v1/stats/summary',
          '/api/v3/batch_page_scraper/batch',
          '/api/v3/batch_page_scraper/batch/{id}/status',
        ].sort(),
      );
      expect(Object.keys(doc.body.paths['/api/v1/batches']!).sort()).toEqual(['get', 'post']);
      expect(doc.body.components.securitySchemes).toHaveProperty('bearer');
      const create = doc.body.paths['/api/v1/batches']!.post as {
        parameters: { name: string; in: string }[];
        security: unknown[];
        responses: Record<string, unknown>;
      };
      expect(create.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
        'header:Idempotency-Key',
      ]);
      expect(create.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '413', '422', '503']));
      const trace = doc.body.paths['/api/v1/batches/{id}/trace']!.get as typeof create;
      expect(trace.security).toEqual([{ bearer: [] }]);
      expect(doc.body).toMatchObject({ openapi: '3.1.0' });
      expect(trace.parameters).toContainEqual(
        expect.objectContaining({ name: 'id', in: 'path', schema: expect.objectContaining({ format: 'uuid' }) }),
      );
      expect(trace.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
        'path:id',
        'query:limit',
      ]);
      expect(Object.keys(trace.responses).sort()).toEqual(['200', '400', '401', '404', '502', '503']);
      expect(doc.body.components.schemas).toMatchObject({
        BatchTraceDto: { required: expect.arrayContaining(['trace_id', 'span_count', 'truncated', 'spans']) },
        TraceSpanDto: { properties: { parent_span_id: { type: ['string', 'null'] } } },
      });
      expect(doc.body.components.schemas).toHaveProperty('CreateBatchDto');
      expect(doc.body.components.schemas.CreateBatchDto).toMatchObject({
        properties: { max_pages: { minimum: 1, maximum: 1000, default: 10 } },
        required: ['domains'],
      });
      const ui = await gateway.request<string>('GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.body).toMatch(/swagger/i);
    });
  });
});
