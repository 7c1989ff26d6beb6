import { randomUUID } from 'node:crypto';
import { type BatchEvent } from '../message-map';
import { batchStatusFor } from './batch-status';
import {
  type BatchContext,
  type DomainView,
  evolveDomain,
  initialDomainView,
  POISON_COMMAND_ERROR_CLASS,
} from './domain-lifecycle';

const batchId = '00000000-0000-4000-8000-000000000001';
const now = '2026-11-23T10:00:00.000Z';
const ctx: BatchContext = { maxAttempts: 3, maxDeliveries: 3, cancelRequested: false };
const ev = <T extends BatchEvent['type']>(type: T, data: Extract<BatchEvent, { type: T }>['data']): BatchEvent =>
  ({ id: randomUUID(), type, version: 1, time: now, tenant: 't', batch_id: batchId, data }) as BatchEvent;

const queued = (attempt: number) => ev('domain.queued', { domain: 'a.com', attempt, dispatch_id: `d${attempt}` });
const started = (attempt: number) =>
  ev('domain.started', { domain: 'a.com', attempt, dispatch_id: `d${attempt}`, started_at: now, scraper_id: 's' });
const scraped = (attempt: number) =>
  ev('domain.scraped', {
    domain: 'a.com',
    attempt,
    dispatch_id: `d${attempt}`,
    started_at: now,
    finished_at: now,
    pages: [],
    extraction: { emails: [], phones: [], socials: [], technologies: [] },
  });
const failed = (attempt: number, retryable: boolean) =>
  ev('domain.failed', {
    domain: 'a.com',
    attempt,
    dispatch_id: `d${attempt}`,
    started_at: now,
    finished_at: now,
    error: { class: retryable ? 'timeout' : 'dns_not_found', message: 'x', retryable },
    pages: [],
  });
const cancel = () => ev('batch.cancel-requested', { requested_at: now, reason: null });

function fold(events: BatchEvent[], context: BatchContext = ctx): DomainView {
  return events.reduce((view, event) => evolveDomain(view, event, context), initialDomainView);
}

describe('a domain through the batch-events log', () => {
  it('goes pending → queued → running → succeeded', () => {
    expect(fold([queued(1)]).status).toBe('queued');
    expect(fold([queued(1), started(1)]).status).toBe('running');
    expect(fold([queued(1), started(1), scraped(1)]).status).toBe('succeeded');
  });

  describe('when an attempt fails in a retryable way', () => {
    it('waits for a retry while attempts remain', () => {
      const view = fold([queued(1), started(1), failed(1, true)]);
      expect(view).toMatchObject({ status: 'queued', awaitingRetry: true, attempt: 1 });
      expect(view.lastError?.class).toBe('timeout');
    });

    it('fails for good on the last attempt', () => {
      const events = [queued(1), failed(1, true), queued(2), failed(2, true), queued(3), failed(3, true)];
      expect(fold(events)).toMatchObject({ status: 'failed', attempt: 3 });
    });

    it('fails for good when the batch is being cancelled', () => {
      expect(fold([queued(1), failed(1, true)], { ...ctx, cancelRequested: true }).status).toBe('failed');
    });
  });

  it('fails at once on a non-retryable error', () => {
    expect(fold([queued(1), started(1), failed(1, false)]).status).toBe('failed');
  });

  describe('when results arrive late or twice', () => {
    it('ignores a result of an attempt that is no longer current', () => {
      const view = fold([queued(1), failed(1, true), queued(2), scraped(1)]);
      expect(view).toMatchObject({ status: 'queued', attempt: 2 });
    });

    it('keeps the first terminal result', () => {
      expect(fold([queued(1), scraped(1), failed(1, false)]).status).toBe('succeeded');
    });

    it('changes nothing on a start of an attempt that is no longer current', () => {
      const view = fold([queued(1), failed(1, true), queued(2)]);
      expect(evolveDomain(view, started(1), ctx)).toBe(view);
    });

    it('treats a timeout of the current attempt as a retryable failure', () => {
      const timedOut = ev('domain.timed-out', { domain: 'a.com', attempt: 1, dispatch_id: 'd1', deadline_at: now });
      expect(fold([queued(1), timedOut])).toMatchObject({ status: 'queued', awaitingRetry: true });
      expect(fold([queued(1), scraped(1), timedOut]).status).toBe('succeeded');
    });
  });

  describe("when a consumer lost an attempt's domain.queued (dead-lettered it)", () => {
    it('takes a report on that attempt as implying it', () => {
      expect(fold([started(1), scraped(1)])).toMatchObject({ status: 'succeeded', attempt: 1 });
      expect(fold([queued(1), failed(1, true), started(2)])).toMatchObject({ status: 'running', attempt: 2 });
    });

    it('takes a time-out of that attempt as implying it, and retries', () => {
      const timedOut = ev('domain.timed-out', { domain: 'a.com', attempt: 1, dispatch_id: 'd1', deadline_at: now });
      expect(fold([timedOut])).toMatchObject({ status: 'queued', awaitingRetry: true, attempt: 1 });
    });

    it('never reopens an ended domain', () => {
      const view = fold([queued(1), scraped(1)]);
      expect(evolveDomain(view, started(2), ctx)).toBe(view);
    });
  });

  describe('when a command is taken again and again (each domain.started is one delivery)', () => {
    it('counts the deliveries of the current attempt', () => {
      expect(fold([queued(1), started(1), started(1)])).toMatchObject({ status: 'running', deliveries: 2 });
    });

    it('fails the domain as a poison command, not retryable, after max deliveries without a result', () => {
      const view = fold([queued(1), started(1), started(1), started(1), started(1)]);
      expect(view).toMatchObject({ status: 'failed', deliveries: 4, awaitingRetry: false });
      expect(view.lastError).toEqual({
        class: POISON_COMMAND_ERROR_CLASS,
        message: 'attempt 1 was delivered 3 times without a result',
        retryable: false,
      });
    });

    it('lets the last allowed delivery finish', () => {
      expect(fold([queued(1), started(1), started(1), started(1), scraped(1)]).status).toBe('succeeded');
    });

    it('counts afresh for each attempt', () => {
      const view = fold([queued(1), started(1), started(1), started(1), failed(1, true), queued(2), started(2)]);
      expect(view).toMatchObject({ status: 'running', attempt: 2, deliveries: 1 });
    });

    it('ignores a start after the domain ended', () => {
      const view = fold([queued(1), started(1), scraped(1)]);
      expect(evolveDomain(view, started(1), ctx)).toBe(view);
    });
  });

  describe('when the batch is cancelled', () => {
    it('cancels a domain never queued', () => expect(fold([cancel()]).status).toBe('cancelled'));
    it('cancels a domain waiting for a retry', () =>
      expect(fold([queued(1), failed(1, true), cancel()]).status).toBe('cancelled'));
    it('lets a queued or running attempt finish', () => {
      expect(fold([queued(1), cancel(), scraped(1)]).status).toBe('succeeded');
      expect(fold([queued(1), started(1), cancel()]).status).toBe('running');
    });
    it('ignores a queue event logged after the cancel', () =>
      expect(fold([cancel(), queued(1)]).status).toBe('cancelled'));
  });
});

describe('a batch status', () => {
  const counts = (succeeded: number, failedCount: number, cancelled: number) => ({
    total: 4,
    succeeded,
    failed: failedCount,
    cancelled,
  });
  it('is pending before the first dispatch and running until every domain ended', () => {
    expect(batchStatusFor(counts(0, 0, 0), false, false)).toBe('pending');
    expect(batchStatusFor(counts(3, 0, 0), true, false)).toBe('running');
  });
  it('is complete, failed or partial from the outcomes', () => {
    expect(batchStatusFor(counts(4, 0, 0), true, false)).toBe('complete');
    expect(batchStatusFor(counts(0, 4, 0), true, false)).toBe('failed');
    expect(batchStatusFor(counts(1, 3, 0), true, false)).toBe('partial');
  });
  it('is cancelled when a cancel was requested', () => {
    expect(batchStatusFor(counts(1, 1, 2), true, true)).toBe('cancelled');
    expect(batchStatusFor(counts(0, 0, 4), false, true)).toBe('cancelled');
  });
});
