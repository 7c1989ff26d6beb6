import { type BatchEvent, createMessage, initialDomainView } from '@trawl/contracts';
import { type BatchProjection, type DomainProjection, projectEvent } from './projection.projector';

const batchId = '00000000-0000-4000-8000-0000000000bb';
const t = (s: number) => new Date(Date.UTC(2026, 10, 23, 10, 0, s)).toISOString();
const event = (type: BatchEvent['type'], data: unknown, time: string) =>
  createMessage({ type, tenant: 't', batchId, data, time: new Date(time) } as never) as unknown as BatchEvent;

function newBatch(total: number): BatchProjection {
  return {
    status: 'pending',
    total,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    pagesScraped: 0,
    maxAttempts: null,
    maxDeliveries: null,
    startTime: null,
    endTime: null,
    cancelRequestedAt: null,
    error: null,
    updatedAt: t(0),
  };
}

const domain = (name: string, view = initialDomainView): DomainProjection => ({
  domain: name,
  view,
  startedAt: null,
  finishedAt: null,
});
const page = {
  url: 'http://a.com/',
  final_url: 'http://a.com/',
  status_code: 200,
  content_type: 'text/html',
  title: 'A',
  description: null,
  language: null,
  canonical_url: null,
  h1: [],
  links_found: 0,
  bytes: 10,
  depth: 0,
  fetched_at: t(3),
  duration_ms: 5,
  error: null,
};
const extraction = { emails: [], phones: [], socials: [], technologies: [] };

describe('the projection', () => {
  it('runs a batch from the first dispatch to complete, with times taken from the events', () => {
    let batch = projectEvent(
      newBatch(1),
      [],
      event('batch.started', { started_at: t(1), max_attempts: 3 }, t(1)),
    ).batch;
    expect(batch).toMatchObject({ status: 'running', startTime: t(1), maxAttempts: 3 });
    const queued = projectEvent(
      batch,
      [domain('a.com')],
      event('domain.queued', { domain: 'a.com', attempt: 1, dispatch_id: 'x' }, t(2)),
    );
    batch = queued.batch;
    const done = projectEvent(
      batch,
      [domain('a.com', queued.changes[0]!.view)],
      event(
        'domain.scraped',
        {
          domain: 'a.com',
          attempt: 1,
          dispatch_id: 'x',
          started_at: t(2),
          finished_at: t(4),
          pages: [page],
          extraction,
        },
        t(5),
      ),
    );
    expect(done.batch).toMatchObject({ status: 'complete', succeeded: 1, pagesScraped: 1, endTime: t(5), error: null });
    expect(done.changes[0]).toMatchObject({ finishedAt: t(4), pages: [page] });
  });

  it('counts the succeeded pages an event left out to stay under the size limit', () => {
    const batch = projectEvent(
      newBatch(1),
      [],
      event('batch.started', { started_at: t(1), max_attempts: 3 }, t(1)),
    ).batch;
    const queued = projectEvent(
      batch,
      [domain('a.com')],
      event('domain.queued', { domain: 'a.com', attempt: 1, dispatch_id: 'x' }, t(2)),
    );
    const done = projectEvent(
      queued.batch,
      [domain('a.com', queued.changes[0]!.view)],
      event(
        'domain.scraped',
        {
          domain: 'a.com',
          attempt: 1,
          dispatch_id: 'x',
          started_at: t(2),
          finished_at: t(4),
          pages: [page, { ...page, error: 'timeout' }],
          truncated: { pages_omitted: 7, succeeded_pages_omitted: 5, fields_trimmed: true },
          extraction,
        },
        t(5),
      ),
    );
    expect(done.batch.pagesScraped).toBe(6);
    expect(done.changes[0]!.pagesSucceeded).toBe(6);
  });

  it('ends failed with a summary when every domain failed', () => {
    const started = projectEvent(
      newBatch(1),
      [],
      event('batch.started', { started_at: t(1), max_attempts: 1 }, t(1)),
    ).batch;
    const queuedView = { status: 'queued' as const, attempt: 1, awaitingRetry: false, lastError: null, deliveries: 0 };
    const result = projectEvent(
      started,
      [domain('a.com', queuedView)],
      event(
        'domain.failed',
        {
          domain: 'a.com',
          attempt: 1,
          dispatch_id: 'x',
          started_at: null,
          finished_at: t(3),
          error: { class: 'dns_not_found', message: 'no', retryable: false },
          pages: [],
        },
        t(3),
      ),
    );
    expect(result.batch).toMatchObject({ status: 'failed', failed: 1, error: 'all 1 domains failed' });
  });

  it('cancels what never started and records when', () => {
    const started = projectEvent(
      newBatch(2),
      [],
      event('batch.started', { started_at: t(1), max_attempts: 1 }, t(1)),
    ).batch;
    const result = projectEvent(
      started,
      [domain('a.com'), domain('b.com')],
      event('batch.cancel-requested', { requested_at: t(2), reason: null }, t(2)),
    );
    expect(result.batch).toMatchObject({ status: 'cancelled', cancelled: 2, cancelRequestedAt: t(2), endTime: t(2) });
  });

  it('changes nothing once the batch ended', () => {
    const ended = { ...newBatch(1), status: 'complete' as const };
    expect(
      projectEvent(
        ended,
        [domain('a.com')],
        event('batch.cancel-requested', { requested_at: t(2), reason: null }, t(2)),
      ).batch,
    ).toBe(ended);
  });
});
