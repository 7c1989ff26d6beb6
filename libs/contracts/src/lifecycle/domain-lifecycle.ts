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
  /**
   * How many times a scraper took the current attempt's command (its domain.started events).
   * Counted in the log, so a command that keeps killing or evicting its scraper is seen across
   * restarts and rebalances, whichever scraper it lands on.
   */
  deliveries: number;
  /**
   * The first attempt of the domain's current round: 1, or the attempt after the one a
   * retry-failed request reopened. Each round gets the batch's max_attempts.
   */
  roundStart: number;
}

export interface BatchContext {
  maxAttempts: number;
  /** Deliveries of one attempt's command without a result before the domain fails as a poison command. */
  maxDeliveries: number;
  cancelRequested: boolean;
}

export const initialDomainView: DomainView = {
  status: 'pending',
  attempt: 0,
  awaitingRetry: false,
  lastError: null,
  deliveries: 0,
  roundStart: 1,
};

export const TIMEOUT_ERROR_CLASS = 'attempt_timeout';
export const POISON_COMMAND_ERROR_CLASS = 'poison_command';
/** For batches whose batch.started predates max_deliveries. */
export const DEFAULT_MAX_DELIVERIES = 3;

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
  const attemptsThisRound = attempt - view.roundStart + 1;
  const retry = error.retryable && attemptsThisRound < context.maxAttempts && !context.cancelRequested;
  return retry
    ? { ...view, status: 'queued', awaitingRetry: true, lastError: error }
    : { ...view, status: 'failed', awaitingRetry: false, lastError: error };
}

/**
 * An attempt's domain.queued is always logged before its command goes out, so a report on an
 * attempt the view has not seen queued means a consumer lost that domain.queued (dead-lettered
 * it): the report implies it, rather than leaving the domain waiting for it forever.
 */
function withImpliedQueue(view: DomainView, attempt: number): DomainView {
  if (isTerminalDomainStatus(view.status) || attempt <= view.attempt) return view;
  return { ...view, status: 'queued', attempt, awaitingRetry: false, deliveries: 0 };
}

/** The domain after one domain-level event; the same object when the event changes nothing. */
export function evolveDomain(view: DomainView, event: BatchEvent, context: BatchContext): DomainView {
  if (event.type !== 'domain.queued' && 'attempt' in event.data) {
    const implied = withImpliedQueue(view, event.data.attempt);
    if (implied !== view) {
      const after = evolveKnown(implied, event, context);
      return after === implied ? view : after;
    }
  }
  return evolveKnown(view, event, context);
}

function evolveKnown(view: DomainView, event: BatchEvent, context: BatchContext): DomainView {
  switch (event.type) {
    case 'domain.queued':
      if (isTerminalDomainStatus(view.status) || event.data.attempt <= view.attempt) return view;
      return { ...view, status: 'queued', attempt: event.data.attempt, awaitingRetry: false, deliveries: 0 };
    case 'domain.started': {
      if (!isCurrentAttempt(view, event.data.attempt)) return view;
      const deliveries = view.deliveries + 1;
      if (deliveries > context.maxDeliveries) {
        // Taken again and again without a result: whatever the command does to its scraper
        // (a crash, an eviction), crawling it once more would do it again.
        const message = `attempt ${event.data.attempt} was delivered ${view.deliveries} times without a result`;
        return {
          ...view,
          status: 'failed',
          deliveries,
          lastError: { class: POISON_COMMAND_ERROR_CLASS, message, retryable: false },
        };
      }
      return { ...view, status: 'running', deliveries };
    }
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
    case 'batch.retry-requested': // both folds apply it to each domain it names, through reopenForRetry
      return view;
  }
}

/**
 * A domain a retry-failed request names, reopened for a new round: pending again, its attempts
 * going on from the one that failed, with max_attempts of its own. Only a domain that failed at
 * exactly the named attempt reopens; anything else (already reopened, or a stale request) is
 * returned as it is.
 */
export function reopenForRetry(view: DomainView, failedAttempt: number): DomainView {
  if (view.status !== 'failed' || view.attempt !== failedAttempt) return view;
  return {
    status: 'pending',
    attempt: view.attempt,
    awaitingRetry: false,
    lastError: null,
    deliveries: 0,
    roundStart: view.attempt + 1,
  };
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
    case 'batch.retry-requested':
      return undefined;
  }
}
