import { type BatchEvent, createMessage, domainOf, initialDomainView } from '@trawl/contracts';
import {
  type BatchProjection,
  type DomainChange,
  type DomainProjection,
  foldEvents,
  projectEvent,
} from './projection.projector';

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
    retryRounds: 0,
    retryRequestedAt: null,
    error: null,
    updatedAt: t(0),
  };
}

const domain = (name: string, view = initialDomainView): DomainProjection => ({
  domain: name,
  view,
  startedAt: null,
  finishedAt: null,
  pagesScraped: 0,
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
  describe('a retry-failed round', () => {
    const failed = (name: string, attempt: number, pagesScraped: number): DomainProjection => ({
      ...domain(name, {
        ...initialDomainView,
        status: 'failed',
        attempt,
        lastError: { class: 'c', message: 'm', retryable: false },
      }),
      finishedAt: t(4),
      pagesScraped,
    });
    const ended: BatchProjection = {
      ...newBatch(3),
      status: 'partial',
      succeeded: 1,
      failed: 2,
      pagesScraped: 5,
      maxAttempts: 3,
      startTime: t(1),
      endTime: t(5),
      error: '2 of 3 domains failed',
    };
    const retry = (domains: [string, number][], round = 1) =>
      event(
        'batch.retry-requested',
        {
          requested_at: t(10),
          round,
          part: 1,
          parts: 1,
          domains: domains.map(([name, attempt]) => ({ domain: name, attempt })),
        },
        t(10),
      );

    it('reopens the named failed domains, runs the batch again and takes their old pages out of the count', () => {
      const result = projectEvent(
        ended,
        [failed('b.com', 3, 2), failed('c.com', 1, 0)],
        retry([
          ['b.com', 3],
          ['c.com', 1],
        ]),
      );
      expect(result.batch).toMatchObject({
        status: 'running',
        succeeded: 1,
        failed: 0,
        pagesScraped: 3,
        endTime: null,
        error: null,
        retryRounds: 1,
        retryRequestedAt: t(10),
      });
      expect(result.changes.map((change) => [change.domain, change.view.status, change.view.roundStart])).toEqual([
        ['b.com', 'pending', 4],
        ['c.com', 'pending', 2],
      ]);
      expect(result.changes[0]).toMatchObject({ finishedAt: null, pages: [], pagesSucceeded: 0, extraction: null });

      const queued = projectEvent(
        result.batch,
        [{ ...domain('c.com', result.changes[1]!.view) }],
        event('domain.queued', { domain: 'c.com', attempt: 2, dispatch_id: 'x' }, t(11)),
      );
      expect(queued.changes[0]!.view).toMatchObject({ status: 'queued', attempt: 2 });
    });

    it('leaves a domain alone unless it failed at the named attempt, and a cancelled batch alone', () => {
      const stale = projectEvent(ended, [failed('b.com', 3, 2)], retry([['b.com', 2]]));
      expect(stale.changes).toEqual([]);
      expect(stale.batch.status).toBe('partial');
      const cancelled = { ...ended, status: 'cancelled' as const, cancelRequestedAt: t(3) };
      expect(projectEvent(cancelled, [failed('b.com', 3, 2)], retry([['b.com', 3]])).batch).toBe(cancelled);
    });
  });

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
    const queuedView = { ...initialDomainView, status: 'queued' as const, attempt: 1 };
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

describe('a run of events folded at once', () => {
  const names = ['a.com', 'b.com', 'c.com'];
  const attempt = (name: string, n: number) => ({ domain: name, attempt: n, dispatch_id: `${name}/${n}` });
  const log: BatchEvent[] = [
    event('batch.started', { started_at: t(1), max_attempts: 2, max_deliveries: 3 }, t(1)),
    event('domain.queued', attempt('a.com', 1), t(2)),
    event('domain.queued', attempt('b.com', 1), t(2)),
    event('domain.started', { ...attempt('a.com', 1), started_at: t(3), scraper_id: 's' }, t(3)),
    event('domain.started', { ...attempt('b.com', 1), started_at: t(3), scraper_id: 's' }, t(3)),
    event(
      'domain.failed',
      {
        ...attempt('b.com', 1),
        started_at: t(3),
        finished_at: t(4),
        error: { class: 'timeout', message: 'slow', retryable: true },
        pages: [{ ...page, url: 'http://b.com/', error: 'timeout' }],
      },
      t(4),
    ),
    event(
      'domain.scraped',
      { ...attempt('a.com', 1), started_at: t(3), finished_at: t(5), pages: [page], extraction },
      t(5),
    ),
    event('batch.cancel-requested', { requested_at: t(6), reason: null }, t(6)),
  ];

  /** The aggregator before batching: one event at a time, each change stored before the next. */
  function oneByOne(events: BatchEvent[]) {
    let batch = newBatch(names.length);
    const rows = new Map(names.map((name) => [name, domain(name)]));
    const stored = new Map<string, DomainChange>();
    for (const next of events) {
      const name = domainOf(next);
      const given = next.type === 'batch.cancel-requested' ? [...rows.values()] : name ? [rows.get(name)!] : [];
      const result = projectEvent(batch, given, next);
      batch = result.batch;
      for (const change of result.changes) {
        stored.set(change.domain, { ...stored.get(change.domain), ...change });
        rows.set(change.domain, {
          ...change,
          pagesScraped: change.pagesSucceeded ?? rows.get(change.domain)!.pagesScraped,
        });
      }
    }
    return { batch, changes: [...stored.values()] };
  }

  it('ends as applying them one by one does, every domain touched once', () => {
    const byOne = oneByOne(log);
    const atOnce = foldEvents({ batch: newBatch(names.length), domains: names.map((name) => domain(name)) }, log);
    expect(atOnce.batch).toEqual(byOne.batch);
    const sorted = (changes: DomainChange[]) => [...changes].sort((x, y) => x.domain.localeCompare(y.domain));
    expect(sorted(atOnce.changes)).toEqual(sorted(byOne.changes));
    expect(atOnce.batch).toMatchObject({ status: 'cancelled', succeeded: 1, cancelled: 2, pagesScraped: 1 });
    const a = atOnce.changes.find((change) => change.domain === 'a.com')!;
    expect(a).toMatchObject({ view: { status: 'succeeded' }, updatedAt: t(5), pages: [page], startedAt: t(3) });
  });

  it('gives the same result in any split of the run', () => {
    const whole = foldEvents({ batch: newBatch(names.length), domains: names.map((name) => domain(name)) }, log);
    for (let cut = 1; cut < log.length; cut += 1) {
      const first = foldEvents(
        { batch: newBatch(names.length), domains: names.map((name) => domain(name)) },
        log.slice(0, cut),
      );
      const rows = names.map((name) => {
        const change = first.changes.find((c) => c.domain === name);
        return change
          ? {
              domain: name,
              view: change.view,
              startedAt: change.startedAt,
              finishedAt: change.finishedAt,
              pagesScraped: change.pagesSucceeded ?? 0,
            }
          : domain(name);
      });
      const second = foldEvents({ batch: first.batch, domains: rows }, log.slice(cut));
      expect(second.batch).toEqual(whole.batch);
    }
  });
});
