import { eventually } from '../../../test/support/eventually';
import { type EventWatcher, GatewayHarness } from './gateway-harness';
import { insertBatch, insertDomains, insertPage } from './projection-fixtures';

jest.setTimeout(90_000);

interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

const HOUR = 3_600_000;

describe('reading batches, domains and stats; cancelling', () => {
  let gateway: GatewayHarness;
  let watcher: EventWatcher;
  let key: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_reads');
    watcher = await gateway.watchBatchEvents();
    key = await gateway.keyFor('acme');
  });

  afterAll(async () => {
    await watcher?.stop();
    await gateway?.close();
  });

  const get = <T = Record<string, unknown>>(path: string, withKey = key) =>
    gateway.request<T>('GET', path, { key: withKey });

  describe('the status document', () => {
    it('comes from the projection, with domain statuses in submission order', async () => {
      const start = new Date(Date.now() - 10_000);
      const id = await insertBatch(gateway.sql, {
        tenant: 'acme',
        status: 'partial',
        total: 3,
        succeeded: 1,
        failed: 1,
        cancelled: 1,
        pages: 4,
        startTime: start,
        endTime: new Date(start.getTime() + 7_250),
        metadata: { team: 'x' },
      });
      await insertDomains(gateway.sql, id, [
        { domain: 'zeta.example', status: 'succeeded' },
        { domain: 'alpha.example', status: 'failed' },
        { domain: 'mid.example', status: 'cancelled' },
      ]);
      const { status, body } = await get(`/api/v1/batches/${id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        batch_id: id,
        status: 'partial',
        total_domains: 3,
        completed_domains: 1,
        failed_domains: 1,
        cancelled_domains: 1,
        progress: 1,
        processing_time: 7.25,
        metadata: { team: 'x' },
        pages_scraped: 4,
      });
      expect(Object.entries(body.domain_statuses as object)).toEqual([
        ['zeta.example', 'succeeded'],
        ['alpha.example', 'failed'],
        ['mid.example', 'cancelled'],
      ]);
      const v3 = await get(`/api/v3/batch_page_scraper/batch/${id}/status`);
      expect(Object.keys(v3.body).sort()).toEqual(
        [
          'batch_id',
          'status',
          'total_domains',
          'completed_domains',
          'failed_domains',
          'progress',
          'created_at',
          'updated_at',
          'start_time',
          'end_time',
          'processing_time',
          'domain_statuses',
          'error',
          'metadata',
        ].sort(),
      );
    });
  });

  describe('domains of a batch', () => {
    let id: string;
    const domains = Array.from({ length: 7 }, (_, i) => ({
      domain: `d${i}.example`,
      status: i % 2 === 0 ? ('succeeded' as const) : ('failed' as const),
      attempt: 1 + (i % 3),
    }));

    beforeAll(async () => {
      id = await insertBatch(gateway.sql, { tenant: 'acme', status: 'running', total: domains.length });
      await insertDomains(gateway.sql, id, domains);
    });

    it('pages through them in order with an opaque cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
        const { status, body } = await get<Page<{ domain: string }>>(`/api/v1/batches/${id}/domains${query}`);
        expect(status).toBe(200);
        seen.push(...body.items.map((item) => item.domain));
        cursor = body.next_cursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(domains.map((d) => d.domain));
      // An empty cursor is no cursor: the first page.
      const first = await get<Page<{ domain: string }>>(`/api/v1/batches/${id}/domains?limit=3&cursor=`);
      expect(first.body.items.map((item) => item.domain)).toEqual(seen.slice(0, 3));
    });

    it('filters by status and defaults to 100 per page', async () => {
      const { body } = await get<Page<{ domain: string; status: string; attempts: number }>>(
        `/api/v1/batches/${id}/domains?status=failed`,
      );
      expect(body.items.map((item) => item.domain)).toEqual(['d1.example', 'd3.example', 'd5.example']);
      expect(body.items[0]).toEqual({
        domain: 'd1.example',
        status: 'failed',
        attempts: 2,
        deliveries: 0,
        pages_scraped: 0,
        started_at: null,
        finished_at: null,
        error: null,
        extraction: null,
      });
      expect(body.next_cursor).toBeNull();
    });

    it('refuses a bad limit, status or cursor, and 404s an unknown batch', async () => {
      expect((await get(`/api/v1/batches/${id}/domains?limit=501`)).status).toBe(400);
      expect((await get(`/api/v1/batches/${id}/domains?status=done`)).status).toBe(400);
      expect((await get(`/api/v1/batches/${id}/domains?cursor=bm9wZQ!`)).status).toBe(400);
      expect((await get(`/api/v1/batches/${id}/domains?cursor=bm9wZQAA`)).status).toBe(400);
      const forged = Buffer.from(JSON.stringify({ o: 1e12 })).toString('base64url');
      expect((await get(`/api/v1/batches/${id}/domains?cursor=${forged}`)).status).toBe(400);
      expect((await get(`/api/v1/batches/00000000-0000-4000-8000-000000000000/domains`)).status).toBe(404);
    });
  });

  describe('one domain', () => {
    it('has its error, extraction and pages; the path is normalised like submissions', async () => {
      const id = await insertBatch(gateway.sql, { tenant: 'acme', status: 'running', total: 2 });
      const fetchedAt = new Date('2026-01-02T03:04:05.678Z');
      await insertDomains(gateway.sql, id, [
        {
          domain: 'shop.example',
          status: 'succeeded',
          attempt: 1,
          pagesScraped: 2,
          extraction: { emails: ['hi@shop.example'], phones: [], socials: [], technologies: ['nginx'] },
          startedAt: new Date('2026-01-02T03:04:00.000Z'),
          finishedAt: new Date('2026-01-02T03:04:09.000Z'),
        },
        {
          domain: 'down.example',
          status: 'failed',
          attempt: 3,
          error: { class: 'connect_refused', message: 'nope', retryable: true },
        },
      ]);
      await insertPage(gateway.sql, id, 'shop.example', 1, {
        url: 'https://shop.example/about',
        title: 'About',
        fetchedAt,
      });
      await insertPage(gateway.sql, id, 'shop.example', 0, { url: 'https://shop.example/', title: 'Home', fetchedAt });

      const { status, body } = await get(`/api/v1/batches/${id}/domains/SHOP.example.`);
      expect(status).toBe(200);
      expect(body).toEqual({
        domain: 'shop.example',
        status: 'succeeded',
        attempts: 1,
        deliveries: 0,
        pages_scraped: 2,
        started_at: '2026-01-02T03:04:00.000Z',
        finished_at: '2026-01-02T03:04:09.000Z',
        error: null,
        extraction: { emails: ['hi@shop.example'], phones: [], socials: [], technologies: ['nginx'] },
        pages: [
          {
            url: 'https://shop.example/',
            final_url: 'https://shop.example/',
            status_code: 200,
            title: 'Home',
            description: 'About us',
            language: 'en',
            canonical_url: 'https://shop.example/',
            h1: ['Welcome'],
            h2: ['Who we are'],
            links_found: 12,
            bytes: 3456,
            depth: 0,
            fetched_at: '2026-01-02T03:04:05.678Z',
            duration_ms: 42.5,
            error: null,
          },
          expect.objectContaining({ url: 'https://shop.example/about', title: 'About', depth: 1 }),
        ],
      });
      const down = await get(`/api/v1/batches/${id}/domains/down.example`);
      expect(down.body).toMatchObject({
        status: 'failed',
        attempts: 3,
        error: { class: 'connect_refused', message: 'nope', retryable: true },
        extraction: null,
        pages: [],
      });
      // The list has each domain's extraction too (the dashboard's table shows it), without the pages.
      const listed = await get<Page<Record<string, unknown>>>(`/api/v1/batches/${id}/domains`);
      expect(listed.body.items.map((item) => [item.domain, item.extraction])).toEqual([
        ['shop.example', { emails: ['hi@shop.example'], phones: [], socials: [], technologies: ['nginx'] }],
        ['down.example', null],
      ]);
      expect(listed.body.items[0]).not.toHaveProperty('pages');
      expect((await get(`/api/v1/batches/${id}/domains/other.example`)).status).toBe(404);
      expect((await get(`/api/v1/batches/${id}/domains/127.0.0.1`)).status).toBe(400);
    });
  });

  describe('the batch list', () => {
    it('pages newest first within the tenant, with filters', async () => {
      const lister = await gateway.keyFor('lister');
      const base = Date.now() - 50 * HOUR;
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        ids.push(
          await insertBatch(gateway.sql, {
            tenant: 'lister',
            status: i === 2 ? 'complete' : 'running',
            createdAt: new Date(base + i * HOUR),
          }),
        );
      }
      // Two batches created in the same microsecond still page correctly (ties broken by id).
      const tieTime = new Date(base + 10 * HOUR);
      const ties = [await insertBatch(gateway.sql, { tenant: 'lister', status: 'running', createdAt: tieTime })];
      ties.push(await insertBatch(gateway.sql, { tenant: 'lister', status: 'running', createdAt: tieTime }));
      await insertBatch(gateway.sql, { tenant: 'someone-else', status: 'running' });

      const expected = [...ties.sort().reverse(), ...[...ids].reverse()];
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const { status, body } = await get<Page<{ batch_id: string }>>(`/api/v1/batches${query}`, lister);
        expect(status).toBe(200);
        seen.push(...body.items.map((item) => item.batch_id));
        cursor = body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(expected);

      const complete = await get<Page<{ batch_id: string; status: string }>>('/api/v1/batches?status=complete', lister);
      expect(complete.body.items.map((item) => item.batch_id)).toEqual([ids[2]]);
      expect(complete.body.items[0]).not.toHaveProperty('domain_statuses');

      const after = new Date(base + 1 * HOUR).toISOString();
      const before = new Date(base + 3 * HOUR).toISOString();
      const window = await get<Page<{ batch_id: string }>>(
        `/api/v1/batches?created_after=${after}&created_before=${before}`,
        lister,
      );
      expect(window.body.items.map((item) => item.batch_id)).toEqual([ids[2], ids[1]]);

      for (const forged of [
        { t: '9'.repeat(20), i: ids[0] },
        { t: '1', i: '-'.repeat(36) },
        { t: 1, i: ids[0] },
      ]) {
        const cursor = Buffer.from(JSON.stringify(forged)).toString('base64url');
        expect((await get(`/api/v1/batches?cursor=${cursor}`, lister)).status).toBe(400);
      }
    });
  });

  describe('cancelling', () => {
    it('answers 202 once batch.cancel-requested is on the topic', async () => {
      const created = await gateway.request<{ batch_id: string }>('POST', '/api/v1/batches', {
        key,
        body: { domains: ['cancel-me.example'] },
      });
      const id = created.body.batch_id;
      const answer = await gateway.request('POST', `/api/v1/batches/${id}/cancel`, {
        key,
        body: { reason: 'changed my mind' },
      });
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ batch_id: id, status: 'cancelling' });
      const cancel = await eventually(() => {
        const event = watcher.ofBatch(id).find((e) => e.type === 'batch.cancel-requested');
        expect(event).toBeDefined();
        return event!;
      });
      expect(cancel).toMatchObject({
        tenant: 'acme',
        data: { reason: 'changed my mind', requested_at: expect.any(String) },
      });
    });

    it('accepts a cancel without a body for a running batch', async () => {
      const id = await insertBatch(gateway.sql, { tenant: 'acme', status: 'running' });
      const answer = await gateway.request('POST', `/api/v1/batches/${id}/cancel`, { key });
      expect(answer.status).toBe(202);
      await eventually(() => expect(watcher.ofBatch(id).map((e) => e.type)).toEqual(['batch.cancel-requested']));
      expect(watcher.ofBatch(id)[0]!.data).toMatchObject({ reason: null });
    });

    it('sends the same event when a cancel is repeated (consumers drop the duplicate)', async () => {
      const id = await insertBatch(gateway.sql, { tenant: 'acme', status: 'running' });
      for (let i = 0; i < 2; i += 1) {
        expect((await gateway.request('POST', `/api/v1/batches/${id}/cancel`, { key })).status).toBe(202);
      }
      await eventually(() => expect(watcher.ofBatch(id)).toHaveLength(2));
      const [first, second] = watcher.ofBatch(id);
      expect(second!.id).toBe(first!.id);
    });

    it.each(['complete', 'partial', 'failed', 'cancelled'] as const)('answers 409 for a %s batch', async (status) => {
      const id = await insertBatch(gateway.sql, { tenant: 'acme', status, endTime: new Date() });
      const answer = await gateway.request<{ message: string }>('POST', `/api/v1/batches/${id}/cancel`, { key });
      expect(answer.status).toBe(409);
      expect(answer.body.message).toMatch(/already ended/);
    });

    it('answers 404 for an unknown batch', async () => {
      expect(
        (await gateway.request('POST', '/api/v1/batches/00000000-0000-4000-8000-000000000000/cancel', { key })).status,
      ).toBe(404);
    });
  });

  describe('stats', () => {
    it("sums the caller's batches created within the window", async () => {
      const statsKey = await gateway.keyFor('stats');
      const now = Date.now();
      const ended = (createdAgo: number, seconds: number) => ({
        createdAt: new Date(now - createdAgo),
        startTime: new Date(now - createdAgo + 1000),
        endTime: new Date(now - createdAgo + 1000 + seconds * 1000),
      });
      await insertBatch(gateway.sql, {
        tenant: 'stats',
        status: 'complete',
        total: 4,
        succeeded: 4,
        pages: 20,
        ...ended(HOUR, 10),
      });
      await insertBatch(gateway.sql, {
        tenant: 'stats',
        status: 'partial',
        total: 4,
        succeeded: 2,
        failed: 2,
        pages: 6,
        ...ended(2 * HOUR, 20),
      });
      await insertBatch(gateway.sql, {
        tenant: 'stats',
        status: 'running',
        total: 3,
        succeeded: 1,
        pages: 2,
        createdAt: new Date(now - 60_000),
      });
      await insertBatch(gateway.sql, {
        tenant: 'stats',
        status: 'cancelled',
        total: 2,
        cancelled: 2,
        ...ended(30 * HOUR, 5),
      });
      await insertBatch(gateway.sql, {
        tenant: 'other',
        status: 'failed',
        total: 9,
        failed: 9,
        createdAt: new Date(now - 60_000),
      });

      const day = await get('/api/v1/stats/summary', statsKey);
      expect(day.status).toBe(200);
      expect(day.body).toEqual({
        window: '24h',
        batches_by_status: { pending: 0, running: 1, complete: 1, partial: 1, failed: 0, cancelled: 0 },
        domains: { total: 11, succeeded: 7, failed: 2, cancelled: 0 },
        pages_scraped: 28,
        success_rate: 0.7778,
        mean_processing_time_seconds: 15,
      });

      const week = await get('/api/v1/stats/summary?window=7d', statsKey);
      expect(week.body).toMatchObject({
        window: '7d',
        batches_by_status: { running: 1, complete: 1, partial: 1, cancelled: 1 },
        domains: { total: 13, succeeded: 7, failed: 2, cancelled: 2 },
        mean_processing_time_seconds: 11.667,
      });

      const recent = await get('/api/v1/stats/summary?window=15m', statsKey);
      expect(recent.body).toMatchObject({
        window: '15m',
        batches_by_status: { running: 1, complete: 0 },
        success_rate: 1,
        mean_processing_time_seconds: null,
      });

      const empty = await get('/api/v1/stats/summary?window=6h', await gateway.keyFor('nobody'));
      expect(empty.body).toEqual({
        window: '6h',
        batches_by_status: { pending: 0, running: 0, complete: 0, partial: 0, failed: 0, cancelled: 0 },
        domains: { total: 0, succeeded: 0, failed: 0, cancelled: 0 },
        pages_scraped: 0,
        success_rate: null,
        mean_processing_time_seconds: null,
      });
    });
  });
});
