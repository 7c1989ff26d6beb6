import { GatewayHarness } from './gateway-harness';
import { insertBatch, insertDomains, insertPage } from './projection-fixtures';

jest.setTimeout(90_000);

describe('exporting a batch', () => {
  let gateway: GatewayHarness;
  let key: string;
  let batchId: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_export');
    key = await gateway.keyFor('acme');
    batchId = await insertBatch(gateway.sql, { tenant: 'acme', status: 'partial', total: 3 });
    await insertDomains(gateway.sql, batchId, [
      {
        domain: 'shop.example',
        status: 'succeeded',
        attempt: 1,
        pagesScraped: 2,
        extraction: {
          emails: ['hi@shop.example', 'sales@shop.example'],
          phones: ['+44 20 7946 0000'],
          socials: [{ platform: 'github', url: 'https://github.com/shop' }],
          technologies: ['nginx'],
        },
      },
      {
        domain: 'down.example',
        status: 'failed',
        attempt: 3,
        error: { class: 'connect_refused', message: 'refused, "twice"', retryable: true },
      },
      { domain: 'formula.example', status: 'succeeded', attempt: 1, pagesScraped: 1 },
    ]);
    const fetchedAt = new Date('2026-12-01T10:00:00Z');
    await insertPage(gateway.sql, batchId, 'shop.example', 0, {
      url: 'https://shop.example/',
      title: 'Say "hi", world\n🦀',
      fetchedAt,
    });
    await insertPage(gateway.sql, batchId, 'shop.example', 1, { url: 'https://shop.example/b', title: 'B', fetchedAt });
    await insertPage(gateway.sql, batchId, 'formula.example', 0, {
      url: 'https://formula.example/',
      title: '=SUM(A1:A2)',
      fetchedAt,
    });
  });

  afterAll(() => gateway?.close());

  const get = (path: string, withKey = key) =>
    fetch(`${gateway.baseUrl}${path}`, { headers: { authorization: `Bearer ${withKey}` } });

  it('streams CSV with a header row, RFC 4180 quoting, lists joined and formulas defused, as an attachment', async () => {
    const response = await get(`/api/v1/batches/${batchId}/export?format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="trawl-batch-${batchId}.csv"`);
    const text = await response.text();
    expect(text).toBe(
      [
        'domain,status,attempts,deliveries,pages,error_class,error_message,title,description,emails,phones,socials,technologies',
        `shop.example,succeeded,1,0,2,,,"Say ""hi"", world\n🦀",About us,hi@shop.example; sales@shop.example,'+44 20 7946 0000,https://github.com/shop,nginx`,
        'down.example,failed,3,0,0,connect_refused,"refused, ""twice""",,,,,,',
        "formula.example,succeeded,1,0,1,,,'=SUM(A1:A2),About us,,,,",
        '',
      ].join('\r\n'),
    );
  });

  it('streams JSON Lines, one object per domain in submission order (the default is CSV)', async () => {
    const response = await get(`/api/v1/batches/${batchId}/export?format=jsonl`);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = (await response.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.domain)).toEqual(['shop.example', 'down.example', 'formula.example']);
    expect(lines[0]).toEqual({
      domain: 'shop.example',
      status: 'succeeded',
      attempts: 1,
      deliveries: 0,
      pages: 2,
      error_class: null,
      error_message: null,
      title: 'Say "hi", world\n🦀',
      description: 'About us',
      emails: ['hi@shop.example', 'sales@shop.example'],
      phones: ['+44 20 7946 0000'],
      socials: ['https://github.com/shop'],
      technologies: ['nginx'],
    });
    expect((await get(`/api/v1/batches/${batchId}/export`)).headers.get('content-type')).toMatch(/^text\/csv/);
  });

  it('pages through a big batch in order, every domain once', async () => {
    const big = await insertBatch(gateway.sql, { tenant: 'acme', status: 'running', total: 2_345 });
    const names = Array.from({ length: 2_345 }, (_, i) => `d${i}.example`);
    await gateway.sql.query(
      `insert into batch_domains (batch_id, domain, ordinal, status, updated_at)
       select $1, t.domain, t.ordinal - 1, 'pending', now() from unnest($2::text[]) with ordinality as t(domain, ordinal)`,
      [big, names],
    );
    const lines = (await (await get(`/api/v1/batches/${big}/export?format=jsonl`)).text()).trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { domain: string }).domain)).toEqual(names);
  });

  it('answers 400 for an unknown format, 404 for a batch it cannot see', async () => {
    const bad = await get(`/api/v1/batches/${batchId}/export?format=xml`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('format must be one of csv, jsonl');
    expect((await get(`/api/v1/batches/00000000-0000-4000-8000-000000000000/export`)).status).toBe(404);
    expect((await get(`/api/v1/batches/${batchId}/export`, await gateway.keyFor('other'))).status).toBe(404);
  });
});
