import { batchStatus, type BatchRow, domainSummary, pendingStatus, processingTimeOf, progressOf } from './batch-views';

const row: BatchRow = {
  id: '4b0f4c1e-1b9a-4b55-9b11-0c2f1c4a8e11',
  status: 'running',
  total_domains: 3,
  succeeded_domains: 1,
  failed_domains: 0,
  cancelled_domains: 0,
  pages_scraped: 7,
  max_pages: 10,
  max_concurrent_jobs: 5,
  metadata: { a: 1 },
  trace_id: null,
  error: null,
  created_at: new Date('2026-01-01T00:00:00.000Z'),
  updated_at: new Date('2026-01-01T00:00:05.000Z'),
  start_time: new Date('2026-01-01T00:00:01.000Z'),
  end_time: null,
  cancel_requested_at: null,
  retry_rounds: 0,
  retry_requested_at: null,
  stuck_since: null,
};

describe('batch views', () => {
  it('rounds progress to 4 decimals and counts every ended domain', () => {
    expect(progressOf(row)).toBe(0.3333);
    expect(progressOf({ ...row, failed_domains: 1, cancelled_domains: 1 })).toBe(1);
    expect(progressOf({ ...row, total_domains: 0 })).toBe(0);
  });

  it('has a processing time only once ended, from start (or creation) to end', () => {
    expect(processingTimeOf(row)).toBeNull();
    expect(processingTimeOf({ ...row, end_time: new Date('2026-01-01T00:00:03.500Z') })).toBe(2.5);
    expect(processingTimeOf({ ...row, start_time: null, end_time: new Date('2026-01-01T00:00:02.000Z') })).toBe(2);
  });

  it('maps the projection to the status document', () => {
    expect(batchStatus(row, { 'a.com': 'succeeded' })).toEqual({
      batch_id: row.id,
      status: 'running',
      total_domains: 3,
      completed_domains: 1,
      failed_domains: 0,
      cancelled_domains: 0,
      progress: 0.3333,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:05.000Z',
      start_time: '2026-01-01T00:00:01.000Z',
      end_time: null,
      processing_time: null,
      domain_statuses: { 'a.com': 'succeeded' },
      error: null,
      metadata: { a: 1 },
      trace_id: null,
      max_pages: 10,
      max_concurrent_jobs: 5,
      pages_scraped: 7,
      cancel_requested_at: null,
      retry_rounds: 0,
      retry_requested_at: null,
      stuck_since: null,
    });
  });

  it('answers pending with nothing counted for an accepted submission', () => {
    const status = pendingStatus({
      batch_id: row.id,
      total_domains: 2,
      max_pages: 3,
      max_concurrent_jobs: 1,
      metadata: {},
      trace_id: 'abc',
      created_at: row.created_at,
    });
    expect(status).toMatchObject({
      status: 'pending',
      total_domains: 2,
      progress: 0,
      domain_statuses: {},
      trace_id: 'abc',
    });
    expect(status.updated_at).toBe(status.created_at);
  });

  it('shows a domain error only when there is one', () => {
    const domain = {
      domain: 'a.com',
      ordinal: 0,
      status: 'failed' as const,
      attempt: 3,
      deliveries: 1,
      pages_scraped: 0,
      started_at: null,
      finished_at: null,
      error_class: 'dns',
      error_message: 'no such host',
      error_retryable: false,
    };
    expect(domainSummary(domain).error).toEqual({ class: 'dns', message: 'no such host', retryable: false });
    expect(domainSummary({ ...domain, error_class: null }).error).toBeNull();
  });
});
