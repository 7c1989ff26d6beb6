import { GatewayHarness } from './gateway-harness';

jest.setTimeout(60_000);

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: { index?: number; value?: unknown; reason: string; field?: string }[];
}

describe('the gateway refuses bad requests, in one error shape', () => {
  let gateway: GatewayHarness;
  let key: string;

  beforeAll(async () => {
    gateway = await GatewayHarness.start('gw_validation', {
      TRAWL_MAX_DOMAINS_PER_BATCH: '3',
      TRAWL_MAX_BODY_BYTES: '2048',
    });
    key = await gateway.keyFor('acme');
  });

  afterAll(async () => {
    await gateway?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    gateway.request<ErrorBody>('POST', '/api/v1/batches', { key, body, headers });

  function expectError(answer: { status: number; body: ErrorBody; headers: Headers }, status: number): ErrorBody {
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/application\/json/);
    expect(answer.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
    return answer.body;
  }

  describe('auth', () => {
    it('401 without a key, with a clear message', async () => {
      const answer = await gateway.request<ErrorBody>('POST', '/api/v1/batches', { body: { domains: ['a.com'] } });
      expect(expectError(answer, 401).message).toMatch(/missing API key/);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('401 with an unknown key, a malformed header, or a revoked key', async () => {
      for (const authorization of ['Bearer trawl_nope', 'Bearer not-even-ours', 'Basic abc', 'Bearer']) {
        const answer = await gateway.request<ErrorBody>('GET', '/api/v1/batches', { headers: { authorization } });
        expectError(answer, 401);
      }
      const revoked = await gateway.keyFor('acme');
      await gateway.sql.query(
        `update api_keys set revoked_at = now() where key_hash = encode(sha256($1::bytea), 'hex')`,
        [revoked],
      );
      expect((await gateway.request('GET', '/api/v1/batches', { key: revoked })).status).toBe(401);
    });

    it('401 on every /api route, v3 and stats included; health and docs need no key', async () => {
      for (const path of [
        '/api/v1/batches/00000000-0000-4000-8000-000000000000',
        '/api/v1/stats/summary',
        '/api/v3/batch_page_scraper/batch/00000000-0000-4000-8000-000000000000/status',
      ]) {
        expect((await gateway.request('GET', path)).status).toBe(401);
      }
      expect((await gateway.request('GET', '/health/live')).status).toBe(200);
      expect((await gateway.request('GET', '/docs-json')).status).toBe(200);
    });
  });

  describe('domains', () => {
    it('reports every invalid entry at once, with index, original value and reason', async () => {
      const long = `${'x'.repeat(120)}.com`;
      const answer = await post({
        domains: ['ok.com', 42, 'http://', '127.1', '[::1]:80', `${'a'.repeat(64)}.com`, 'localhost', long, 'b_c.com'],
      });
      const body = expectError(answer, 400);
      expect(body.message).toMatch(/8 of 9 domains are invalid/);
      expect(body.details).toEqual([
        { index: 1, value: 42, reason: 'not a string' },
        { index: 2, value: 'http://', reason: 'not a hostname' },
        { index: 3, value: '127.1', reason: 'IP literal' },
        { index: 4, value: '[::1]:80', reason: 'IP literal' },
        {
          index: 5,
          value: `${'a'.repeat(64)}.com`,
          reason: expect.stringMatching(/^label rules: label 1 .* longer than 63/),
        },
        { index: 6, value: 'localhost', reason: 'not a hostname' },
        { index: 7, value: long.slice(0, 100), reason: expect.stringMatching(/^label rules: label 1/) },
        { index: 8, value: 'b_c.com', reason: expect.stringMatching(/^label rules: label 1 "b_c"/) },
      ]);
    });

    it('lists at most 100 problems, with the total in the message', async () => {
      const body = expectError(await post({ domains: Array.from({ length: 900 }, () => 1) }), 400);
      expect(body.message).toMatch(/900 of 900 domains are invalid; the first 100 are listed/);
      expect(body.details).toHaveLength(100);
      expect(body.details![99]).toEqual({ index: 99, value: 1, reason: 'not a string' });
    });

    it('refuses a host longer than 253 characters', async () => {
      const long = `${Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.')}.com`;
      const body = expectError(await post({ domains: [long] }), 400);
      expect(body.details).toEqual([{ index: 0, value: long.slice(0, 100), reason: 'too long' }]);
    });

    it('refuses an empty list, a missing list and a list that is not an array', async () => {
      expect(expectError(await post({ domains: [] }), 400).message).toMatch(/domains must not be empty/);
      expect(expectError(await post({}), 400).message).toMatch(/domains/);
      expect(expectError(await post({ domains: 'a.com' }), 400).message).toMatch(/domains must be an array/);
    });

    it('limits unique domains (after de-duplication), naming the limit', async () => {
      const body = expectError(await post({ domains: ['a.com', 'b.com', 'c.com', 'd.com'] }), 400);
      expect(body.message).toMatch(/at most 3 unique domains \(got 4\)/);
    });
  });

  describe('parameters', () => {
    it.each([
      [{ max_pages: 0 }, /max_pages must be at least 1/],
      [{ max_pages: 1001 }, /max_pages must be at most 1000/],
      [{ max_pages: 2.5 }, /max_pages must be an integer/],
      [{ max_pages: '10' }, /max_pages must be an integer/],
      [{ max_pages: null }, /max_pages must be an integer/],
      [{ max_concurrent_jobs: 0 }, /max_concurrent_jobs must be at least 1/],
      [{ max_concurrent_jobs: 101 }, /max_concurrent_jobs must be at most 100/],
      [{ metadata: [1, 2] }, /metadata must be a JSON object/],
      [{ metadata: 'x' }, /metadata must be a JSON object/],
      [{ unexpected: true }, /property unexpected should not exist/],
    ])('400 for %j', async (extra, message) => {
      const body = expectError(await post({ domains: ['a.com'], ...extra }), 400);
      expect(body.message).toMatch(message);
      expect(body.details).toContainEqual({ field: expect.any(String), reason: expect.stringMatching(message) });
    });

    it.each([
      ['a NUL character', { note: 'a\u0000b' }, /metadata\.note contains a NUL character/],
      [
        'a lone surrogate',
        { nested: { list: ['ok', 'x\ud800'] } },
        /metadata\.nested\.list\[1\] contains a lone UTF-16 surrogate/,
      ],
      ['a NUL in a key', { 'k\u0000': 1 }, /metadata\["k\\u0000"\] contains a NUL character/],
    ])('400 for metadata holding %s (which Postgres cannot store), naming where', async (_what, metadata, message) => {
      const withKey: Record<string, string> = { 'idempotency-key': `unstorable-${Math.random()}` };
      for (const headers of [{}, withKey]) {
        const body = expectError(await post({ domains: ['a.com'], max_pages: 1, metadata }, headers), 400);
        expect(body.message).toMatch(message);
        expect(body.details).toContainEqual({ field: 'metadata', reason: expect.stringMatching(message) });
      }
    });

    it('400 for metadata over 16 KB as JSON', async () => {
      const big = await GatewayHarness.start('gw_validation_meta');
      try {
        const bigKey = await big.keyFor('acme');
        const answer = await big.request<ErrorBody>('POST', '/api/v1/batches', {
          key: bigKey,
          body: { domains: ['a.com'], metadata: { blob: 'x'.repeat(16 * 1024) } },
        });
        expect(expectError(answer, 400).message).toMatch(/metadata must be at most 16384 bytes as JSON/);
      } finally {
        await big.close();
      }
    });

    it('400 for an Idempotency-Key over 200 characters', async () => {
      const body = expectError(await post({ domains: ['a.com'] }, { 'idempotency-key': 'k'.repeat(201) }), 400);
      expect(body.message).toMatch(/Idempotency-Key must be 1 to 200 characters/);
    });
  });

  describe('bodies', () => {
    it('413 JSON for a body over TRAWL_MAX_BODY_BYTES', async () => {
      const domains = Array.from({ length: 200 }, (_, i) => `domain-number-${i}.example.com`);
      const body = expectError(await post({ domains }), 413);
      expect(body.message).toBe('request body is larger than 2048 bytes');
    });

    it('400 JSON for malformed JSON', async () => {
      const answer = await gateway.request<ErrorBody>('POST', '/api/v1/batches', { key, rawBody: '{"domains": [' });
      expect(expectError(answer, 400).message).toMatch(/not valid JSON/);
    });

    it('400 for a JSON body that is not an object', async () => {
      expectError(await gateway.request<ErrorBody>('POST', '/api/v1/batches', { key, rawBody: '["a.com"]' }), 400);
      expectError(await gateway.request<ErrorBody>('POST', '/api/v1/batches', { key, rawBody: '"a.com"' }), 400);
    });

    it('415 for a body that is not JSON', async () => {
      const answer = await gateway.request<ErrorBody>('POST', '/api/v1/batches', {
        key,
        rawBody: 'domains=a.com',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expectError(answer, 415);
    });
  });

  describe('reads', () => {
    it('400 for a batch id that is not a UUID', async () => {
      const answer = await gateway.request<ErrorBody>('GET', '/api/v1/batches/not-a-uuid', { key });
      expect(expectError(answer, 400).message).toBe('batch id must be a UUID');
      expectError(await gateway.request<ErrorBody>('POST', '/api/v1/batches/123/cancel', { key }), 400);
    });

    it('404 JSON for an unknown batch and an unknown route', async () => {
      expectError(
        await gateway.request<ErrorBody>('GET', '/api/v1/batches/00000000-0000-4000-8000-000000000000', { key }),
        404,
      );
      expectError(await gateway.request<ErrorBody>('GET', '/api/v1/nothing-here', { key }), 404);
    });

    it.each([
      ['/api/v1/batches?limit=0', /limit must be at least 1/],
      ['/api/v1/batches?limit=501', /limit must be at most 500/],
      ['/api/v1/batches?limit=abc', /limit must be an integer/],
      ['/api/v1/batches?status=done', /status must be one of pending, running/],
      ['/api/v1/batches?created_after=yesterday', /created_after must be an ISO 8601 date-time/],
      ['/api/v1/batches?created_before=2025-13-45', /created_before must be an ISO 8601 date-time/],
      ['/api/v1/batches?cursor=garbage!', /cursor is not valid/],
      ['/api/v1/batches?unknown=1', /property unknown should not exist/],
      ['/api/v1/stats/summary?window=91d', /window must be/],
      ['/api/v1/stats/summary?window=1w', /window must be/],
    ])('400 for %s', async (path, message) => {
      expect(expectError(await gateway.request<ErrorBody>('GET', path, { key }), 400).message).toMatch(message);
    });
  });
});
