import { type BatchEvent, createMessage } from '@trawl/contracts';
import { reducedEvent } from './reduced-event';

const batchId = '00000000-0000-4000-8000-0000000000cc';
const page = (error: string | null) => ({
  url: 'http://a.com/',
  final_url: 'http://a.com/',
  status_code: 99_999_999_999,
  content_type: 'text/html',
  title: 'A',
  description: null,
  language: null,
  canonical_url: null,
  h1: [],
  h2: [],
  links_found: 0,
  bytes: 10,
  depth: 0,
  fetched_at: '2026-12-01T00:00:00.000Z',
  duration_ms: 1,
  error,
});
const event = (type: BatchEvent['type'], data: unknown) =>
  createMessage({ type, tenant: 't', batchId, data } as never) as unknown as BatchEvent;

describe('an event projected without the payload Postgres refused', () => {
  it('keeps what the lifecycle needs of a scraped domain, counts its pages, and says why the rest is missing', () => {
    const scraped = event('domain.scraped', {
      domain: 'a.com',
      attempt: 2,
      dispatch_id: 'd',
      started_at: '2026-12-01T00:00:00.000Z',
      finished_at: '2026-12-01T00:00:01.000Z',
      pages: [page(null), page('timeout'), page(null)],
      extraction: { emails: ['x@a.com'], phones: [], socials: [], technologies: [] },
    });
    const reduced = reducedEvent(scraped, 'value "99999999999" is out of range for type integer');
    expect(reduced).toMatchObject({ id: scraped.id, type: 'domain.scraped', data: { domain: 'a.com', attempt: 2 } });
    expect(reduced.type === 'domain.scraped' && reduced.data).toMatchObject({
      pages: [],
      truncated: { pages_omitted: 3, succeeded_pages_omitted: 2, fields_trimmed: true },
      extraction: { emails: [], projection_error: expect.stringMatching(/out of range for type integer/) },
    });
  });

  it('keeps a failed attempt failed, with the reason beside its own', () => {
    const failed = event('domain.failed', {
      domain: 'a.com',
      attempt: 1,
      dispatch_id: 'd',
      started_at: null,
      finished_at: '2026-12-01T00:00:01.000Z',
      error: { class: 'timeout', message: 'page deadline', retryable: true },
      pages: [page('timeout')],
    });
    const reduced = reducedEvent(failed, 'boom');
    expect(reduced.type === 'domain.failed' && reduced.data.error).toEqual({
      class: 'timeout',
      message: 'page deadline (pages not stored: boom)',
      retryable: true,
    });
  });

  it('keeps a batch with its domains and limits, its metadata replaced by the reason', () => {
    const requested = event('batch.requested', {
      domains: ['a.com'],
      max_pages: 1,
      max_concurrent_jobs: 1,
      metadata: { huge: 'x' },
      requested_at: '2026-12-01T00:00:00.000Z',
      trace_id: null,
      idempotency_key: null,
    });
    expect(reducedEvent(requested, 'boom')).toMatchObject({
      data: { domains: ['a.com'], metadata: { projection_error: 'not stored: boom' } },
    });
  });
});
