import { type ScrapeError } from '../domain/page-result';
import { type BatchEvent } from '../message-map';
import { type DomainStatus, isTerminalDomainStatus } from './batch-status';

/**
 * One domain as the batch-events log tells it. The scheduler and the aggregator both fold the
 * log through `evolveDomain`, in the log's order (one partition per batch), so they always agree
 * on which attempt counts and how each domain ended, whatever arrives late or twice.
 */
export interface DomainView {
  status: DomainStatus;
  /** The attempt the log last queued; 0 before the first. */
  attempt: number;
  /** The last attempt failed in a retryable way and the next one has not been queued yet. */
  awaitingRetry: boolean;
  lastError: ScrapeError | null;
}

export interface BatchContext {
  maxAttempts: number;
  cancelRequested: boolean;
}

export const initialDomainView: DomainView = { status: 'pending', attempt: 0, awaitingRetry: false, lastError: null };

export const TIMEOUT_ERROR_CLASS = 'attempt_timeout';

/** An attempt's result counts only while that very attempt is the one in flight. */
function isCurrentAttempt(view: DomainView, attempt: number): boolean {
  return (
    !isTerminalDomainStatus(view.status) &&
    !view.awaitingRetry &&
    view.attempt === attempt &&
    (view.status === 'queued' || view.status === 'running')
  );
}

function afterFailure(view: DomainView, error: ScrapeError, attempt: number, context: BatchContext): DomainView {
  const retry = error.retryable && attempt < context.maxAttempts && !context.cancelRequested;
  return retry
    ? { ...view, status: 'queued', awaitingRetry: true, lastError: error }
    : { ...view, status: 'failed', awaitingRetry: false, lastError: error };
}

/** The domain after one domain-level event; the same object when the event changes nothing. */
export function evolveDomain(view: DomainView, event: BatchEvent, context: BatchContext): DomainView {
  switch (event.type) {
    case 'domain.queued':
      if (isTerminalDomainStatus(view.status) || event.data.attempt <= view.attempt) return view;
      return { ...view, status: 'queued', attempt: event.data.attempt, awaitingRetry: false };
    case 'domain.started':
      if (!isCurrentAttempt(view, event.data.attempt) || view.status !== 'queued') return view;
      return { ...view, status: 'running' };
    case 'domain.scraped':
      if (!isCurrentAttempt(view, event.data.attempt)) return view;
      return { ...view, status: 'succeeded', lastError: null };
    case 'domain.failed':
      if (!isCurrentAttempt(view, event.data.attempt)) return view;
      return afterFailure(view, event.data.error, event.data.attempt, context);
    case 'domain.timed-out':
      if (!isCurrentAttempt(view, event.data.attempt)) return view;
      return afterFailure(
        view,
        {
          class: TIMEOUT_ERROR_CLASS,
          message: `no result for attempt ${event.data.attempt} before ${event.data.deadline_at}`,
          retryable: true,
        },
        event.data.attempt,
        context,
      );
    case 'batch.cancel-requested':
      // No new attempt starts: never-queued domains and domains waiting for a retry end here;
      // queued and running attempts finish.
      if (view.status === 'pending' || view.awaitingRetry)
        return { ...view, status: 'cancelled', awaitingRetry: false };
      return view;
    case 'batch.requested':
    case 'batch.started':
      return view;
  }
}

/** The domain an event is about, or undefined for batch-wide events. */
export function domainOf(event: BatchEvent): string | undefined {
  switch (event.type) {
    case 'domain.queued':
    case 'domain.started':
    case 'domain.scraped':
    case 'domain.failed':
    case 'domain.timed-out':
      return event.data.domain;
    case 'batch.requested':
    case 'batch.cancel-requested':
    case 'batch.started':
      return undefined;
  }
}
