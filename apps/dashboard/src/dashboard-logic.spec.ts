import { createParser } from 'eventsource-parser';
import { ApiFailure, failureOf, fieldErrors } from './api/failure';
import { queryString } from './api/query';
import { type DomainSummary, type TraceSpan } from './api/types';
import { formatDuration, formatList, formatPercent, parseDomainText } from './format';
import { type BatchEvent, fraction, nextProgress, parseBatchEvent, type Progress } from './live/progress';
import { hrefOf, parseRoute } from './route';
import { applyChanges, INITIAL_VIEW, pageOf, type Row, selectRows, sortBy } from './state/domain-table';
import { waterfall } from './trace/waterfall';

describe('formatting', () => {
  it('reads durations at every scale', () => {
    expect(formatDuration(0.5)).toBe('0.50 ms');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1500)).toBe('1.50 s');
    expect(formatDuration(42_000)).toBe('42.0 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
    expect(formatDuration(null)).toBe('—');
  });
  it('reads fractions as percentages, clamped', () => {
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(1.5)).toBe('100%');
  });
  it('shortens lists', () => {
    expect(formatList([])).toBe('—');
    expect(formatList(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c +2');
  });
  it('takes domains from pasted text or a file: one a line, comments and blanks skipped', () => {
    expect(parseDomainText('a.com\r\n\n# comment\nb.org  # trailing\n c.net, d.io\n')).toEqual([
      'a.com',
      'b.org',
      'c.net',
      'd.io',
    ]);
  });
  it('builds query strings from the set values only', () => {
    expect(queryString({ status: '', limit: 20, cursor: null })).toBe('?limit=20');
    expect(queryString({ status: undefined })).toBe('');
  });
});

describe("the API's errors", () => {
  it('puts body-validation problems beside their fields', () => {
    expect(
      fieldErrors({
        statusCode: 400,
        message: 'max_pages must not be greater than 1000',
        details: [
          { field: 'max_pages', reason: 'max_pages must not be greater than 1000' },
          { field: 'max_concurrent_jobs', reason: 'max_concurrent_jobs must be an integer' },
        ],
      }),
    ).toEqual({
      max_pages: 'max_pages must not be greater than 1000',
      max_concurrent_jobs: 'max_concurrent_jobs must be an integer',
    });
  });
  it('puts refused domains, with their entry, beside the domain list', () => {
    const fields = fieldErrors({
      message: '1 of 2 domains are invalid; see details',
      details: [{ index: 1, value: 'not a domain', reason: 'not a hostname' }],
    });
    expect(fields).toEqual({ domains: 'entry 2 ("not a domain"): not a hostname' });
    expect(fieldErrors({ message: 'domains must not be empty' })).toEqual({ domains: 'domains must not be empty' });
    expect(fieldErrors({ message: 'Idempotency-Key must be 1 to 200 characters' })).toEqual({});
  });
  it('says what 401 and 503 mean', () => {
    const refused = failureOf(401, { message: 'unknown or revoked API key' }, null);
    expect(refused).toBeInstanceOf(ApiFailure);
    expect(refused.message).toBe('The API key was refused (unknown or revoked API key).');
    expect(failureOf(503, { message: 'Kafka unavailable' }, '5').message).toBe(
      'The service is unavailable: Kafka unavailable. Try again in 5 s.',
    );
    expect(failureOf(409, { message: 'batch already ended' }, null)).toMatchObject({
      status: 409,
      message: 'batch already ended',
      fields: {},
    });
  });
});

describe('the event stream', () => {
  /** Feeds raw SSE text, cut at awkward places, through the parser the dashboard uses. */
  function eventsOf(chunks: string[]): BatchEvent[] {
    const events: BatchEvent[] = [];
    const parser = createParser({
      onEvent: (message) => {
        const event = parseBatchEvent(message);
        if (event) events.push(event);
      },
    });
    for (const chunk of chunks) parser.feed(chunk);
    return events;
  }
  const progress: Progress = {
    status: 'running',
    total_domains: 4,
    completed_domains: 1,
    failed_domains: 1,
    cancelled_domains: 0,
    progress: 0.5,
  };

  it('parses domain, progress and end events across chunk boundaries, skipping unknown ones', () => {
    const text =
      'retry: 2000\n\n' +
      'event: domain\ndata: {"domain":"a.com","status":"running","attempts":1,"error_class":null}\n\n' +
      `event: progress\nid: 7\ndata: ${JSON.stringify(progress)}\n\n` +
      'event: other\ndata: {}\n\n' +
      ': heartbeat\n\n' +
      'event: end\ndata: {"status":"partial"}\n\n';
    const events = eventsOf([text.slice(0, 30), text.slice(30, 101), text.slice(101)]);
    expect(events.map((event) => event.type)).toEqual(['domain', 'progress', 'end']);
    expect(events[1]).toEqual({ type: 'progress', id: '7', data: progress });
  });
  it('ignores data that is not JSON', () => {
    expect(parseBatchEvent({ event: 'progress', data: 'nope' })).toBeUndefined();
  });
  it('keeps the counts of the last progress event and the status of the end', () => {
    let state = nextProgress(undefined, { type: 'progress', id: '1', data: progress });
    state = nextProgress(state, {
      type: 'domain',
      id: undefined,
      data: { domain: 'a.com', status: 'failed', attempts: 2, error_class: 'dns' },
    });
    expect(state).toEqual(progress);
    expect(nextProgress(state, { type: 'end', id: undefined, data: { status: 'partial' } })?.status).toBe('partial');
    expect(fraction(progress)).toBe(0.5);
    expect(fraction({ ...progress, total_domains: 0 })).toBe(0);
  });
});

describe('the domain table', () => {
  const row = (ordinal: number, domain: string, patch: Partial<DomainSummary> = {}): Row => ({
    ordinal,
    domain,
    status: 'succeeded',
    attempts: 1,
    deliveries: 1,
    pages_scraped: 3,
    started_at: null,
    finished_at: null,
    error: null,
    extraction: { emails: [], phones: [], socials: [], technologies: ['nginx'] },
    ...patch,
  });
  const rows = [
    row(0, 'c.com', { pages_scraped: 5 }),
    row(1, 'a.com', { status: 'failed', error: { class: 'dns', message: 'no host', retryable: false }, attempts: 3 }),
    row(2, 'b.com', {
      pages_scraped: 1,
      extraction: { emails: ['x@b.com'], phones: [], socials: [], technologies: [] },
    }),
  ];

  it('filters by status and by text in domain, error and extraction', () => {
    expect(selectRows(rows, { ...INITIAL_VIEW, status: 'failed' }).map((r) => r.domain)).toEqual(['a.com']);
    expect(selectRows(rows, { ...INITIAL_VIEW, text: 'DNS' }).map((r) => r.domain)).toEqual(['a.com']);
    expect(selectRows(rows, { ...INITIAL_VIEW, text: 'x@b' }).map((r) => r.domain)).toEqual(['b.com']);
    expect(selectRows(rows, { ...INITIAL_VIEW, text: 'nginx' }).map((r) => r.domain)).toEqual(['c.com', 'a.com']);
  });
  it('sorts by a column, flips on the second click, and keeps submission order for ties', () => {
    const byPages = sortBy(INITIAL_VIEW, 'pages');
    expect(selectRows(rows, byPages).map((r) => r.domain)).toEqual(['b.com', 'a.com', 'c.com']);
    const flipped = sortBy(byPages, 'pages');
    expect(flipped.descending).toBe(true);
    expect(selectRows(rows, flipped).map((r) => r.domain)).toEqual(['c.com', 'a.com', 'b.com']);
    expect(selectRows(rows, sortBy(INITIAL_VIEW, 'domain')).map((r) => r.domain)).toEqual(['a.com', 'b.com', 'c.com']);
    expect(selectRows(rows, sortBy(INITIAL_VIEW, 'status'))[0]!.domain).toBe('a.com');
  });
  it('pages 10,000 rows quickly, a page past the end showing the last', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      row(i, `d${String(i).padStart(5, '0')}.com`, { pages_scraped: i % 7 }),
    );
    const started = performance.now();
    const selected = selectRows(many, sortBy(sortBy(INITIAL_VIEW, 'pages'), 'pages'));
    const slice = pageOf(selected, { ...INITIAL_VIEW, page: 999 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(slice).toMatchObject({ page: 199, pages: 200, total: 10_000 });
    expect(slice.rows).toHaveLength(50);
    expect(selected[0]!.pages_scraped).toBe(6);
  });
  it('applies live status changes in one pass, to their rows only, and nothing when nothing changed', () => {
    const index = new Map(rows.map((r, at) => [r.domain, at]));
    const same = applyChanges(rows, index, [
      { domain: 'c.com', status: 'succeeded', attempts: 1, error_class: null },
      { domain: 'zzz.com', status: 'failed', attempts: 1, error_class: null },
    ]);
    expect(same).toBe(rows);
    const changed = applyChanges(rows, index, [
      { domain: 'b.com', status: 'running', attempts: 1, error_class: null },
      { domain: 'b.com', status: 'failed', attempts: 2, error_class: 'timeout' },
      { domain: 'a.com', status: 'failed', attempts: 3, error_class: 'dns' },
    ]);
    expect(changed[2]).toMatchObject({ status: 'failed', attempts: 2, error: { class: 'timeout', message: '' } });
    expect(changed[1]).toBe(rows[1]);
    expect(changed[0]).toBe(rows[0]);
    expect(rows[2]!.status).toBe('succeeded');
  });

  it('takes the 10,000 changes a large stream starts with in one quick pass', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => row(i, `d${i}.com`, { status: 'pending', attempts: 0 }));
    const index = new Map(many.map((r, at) => [r.domain, at]));
    const changes = many.map((r) => ({ domain: r.domain, status: 'running' as const, attempts: 1, error_class: null }));
    const started = performance.now();
    const next = applyChanges(many, index, changes);
    expect(performance.now() - started).toBeLessThan(200);
    expect(next.every((r) => r.status === 'running')).toBe(true);
  });
});

describe('routes and the waterfall', () => {
  it('round-trips routes through the hash', () => {
    for (const route of [
      { page: 'batches' as const },
      { page: 'batch' as const, id: 'b1' },
      { page: 'domain' as const, id: 'b1', domain: 'a.example.com' },
      { page: 'trace' as const, id: 'b1' },
    ]) {
      expect(parseRoute(hrefOf(route))).toEqual(route);
    }
    expect(parseRoute('#/nowhere')).toEqual({ page: 'batches' });
  });

  const span = (span_id: string, parent: string | null, start: number, duration: number): TraceSpan => ({
    span_id,
    parent_span_id: parent,
    links: [],
    service: 'trawl-gateway',
    name: span_id,
    kind: 'internal',
    start_offset_ms: start,
    duration_ms: duration,
    error: false,
    error_message: null,
    attributes: {},
  });

  it('orders spans as a tree (children after their parent, by start) with bars on the time axis', () => {
    const rows = waterfall(
      [
        span('root', null, 0, 100),
        span('late', 'root', 50, 50),
        span('early', 'root', 10, 20),
        span('kid', 'early', 12, 5),
        span('orphan', 'gone', 90, 10),
      ],
      100,
    );
    expect(rows.map((r) => [r.span.span_id, r.depth])).toEqual([
      ['root', 0],
      ['early', 1],
      ['kid', 2],
      ['late', 1],
      ['orphan', 0],
    ]);
    expect(rows[3]).toMatchObject({ left: 0.5, width: 0.5 });
    expect(rows[4]!.left + rows[4]!.width).toBeLessThanOrEqual(1);
  });
});
