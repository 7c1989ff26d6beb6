import {
  type BatchContext,
  type BatchEvent,
  type BatchStatus,
  batchStatusFor,
  DEFAULT_MAX_DELIVERIES,
  type DomainExtraction,
  type DomainView,
  domainOf,
  evolveDomain,
  isTerminalBatchStatus,
  isTerminalDomainStatus,
  type MessageOf,
  type PageResult,
  reopenForRetry,
  succeededPageCount,
} from '@trawl/contracts';

/** A projected domain row, as far as the projector decides it. */
export interface DomainProjection {
  domain: string;
  view: DomainView;
  startedAt: string | null;
  finishedAt: string | null;
  /** Succeeded pages of the attempt whose pages the row holds (counted in the batch's pagesScraped). */
  pagesScraped: number;
}

export interface DomainChange {
  domain: string;
  view: DomainView;
  /** The time of the event that made this change: the row's updated_at. */
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Replaces the domain's pages and extraction when present. */
  pages?: PageResult[];
  /** With `pages`: how many of the attempt's pages succeeded (those an event left out included). */
  pagesSucceeded?: number;
  extraction?: DomainExtraction | null;
}

export interface BatchProjection {
  status: BatchStatus;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  pagesScraped: number;
  maxAttempts: number | null;
  maxDeliveries: number | null;
  startTime: string | null;
  endTime: string | null;
  cancelRequestedAt: string | null;
  /** Retry-failed rounds requested so far, and when the last one was. */
  retryRounds: number;
  retryRequestedAt: string | null;
  error: string | null;
  updatedAt: string;
}

/**
 * How one event changes the projection: pure, and using only the event's own timestamps, so a
 * replay of the log rebuilds exactly the same rows. Domain rules are the shared fold
 * (evolveDomain) that the scheduler uses too.
 */
export function projectEvent(
  batch: BatchProjection,
  domains: DomainProjection[],
  event: BatchEvent,
): { batch: BatchProjection; changes: DomainChange[] } {
  if (event.type === 'batch.retry-requested') return reopenDomains(batch, domains, event);
  if (isTerminalBatchStatus(batch.status)) return { batch, changes: [] };
  const next: BatchProjection = { ...batch, updatedAt: event.time };
  switch (event.type) {
    case 'batch.requested':
      return { batch, changes: [] };
    case 'batch.started':
      next.startTime ??= event.data.started_at;
      next.maxAttempts = event.data.max_attempts;
      next.maxDeliveries = event.data.max_deliveries ?? DEFAULT_MAX_DELIVERIES;
      break;
    case 'batch.cancel-requested':
      next.cancelRequestedAt ??= event.data.requested_at;
      break;
    case 'domain.queued':
    case 'domain.started':
    case 'domain.scraped':
    case 'domain.failed':
    case 'domain.timed-out':
      break;
  }
  const context: BatchContext = {
    maxAttempts: next.maxAttempts ?? 1,
    maxDeliveries: next.maxDeliveries ?? DEFAULT_MAX_DELIVERIES,
    cancelRequested: next.cancelRequestedAt !== null,
  };
  const changes: DomainChange[] = [];
  for (const domain of domains) {
    const view = evolveDomain(domain.view, event, context);
    if (view === domain.view) continue;
    const change = changeOf(next, domain, view, event.time);
    if (event.type === 'domain.started') change.startedAt = event.data.started_at;
    if (isTerminalDomainStatus(view.status)) {
      change.finishedAt = 'finished_at' in event.data ? event.data.finished_at : event.time;
    }
    if (event.type === 'domain.scraped') {
      replacePages(next, domain, change, event.data.pages, succeededPageCount(event.data), event.data.extraction);
    } else if (event.type === 'domain.failed' && isTerminalDomainStatus(view.status)) {
      replacePages(next, domain, change, event.data.pages, succeededPageCount(event.data), null);
    }
    changes.push(change);
  }
  return { batch: withStatus(next, event.time), changes };
}

/**
 * A retry-failed round (one part of it): the named domains that failed at the named attempt go back to pending,
 * without the pages of the attempt that failed, and the batch runs again until they end.
 */
function reopenDomains(
  batch: BatchProjection,
  domains: DomainProjection[],
  event: MessageOf<'batch.retry-requested'>,
): { batch: BatchProjection; changes: DomainChange[] } {
  // The same rule as the scheduler's: no round after a cancel; otherwise reopenForRetry decides per domain.
  if (batch.cancelRequestedAt !== null) return { batch, changes: [] };
  const next: BatchProjection = {
    ...batch,
    updatedAt: event.time,
    retryRounds: Math.max(batch.retryRounds, event.data.round),
    retryRequestedAt: event.data.requested_at,
  };
  const failedAttempt = new Map(event.data.domains.map((retried) => [retried.domain, retried.attempt]));
  const changes: DomainChange[] = [];
  for (const domain of domains) {
    const attempt = failedAttempt.get(domain.domain);
    const view = attempt === undefined ? domain.view : reopenForRetry(domain.view, attempt);
    if (view === domain.view) continue;
    const change = changeOf(next, domain, view, event.time);
    change.finishedAt = null;
    replacePages(next, domain, change, [], 0, null);
    changes.push(change);
  }
  return { batch: withStatus(next, event.time), changes };
}

/** A domain's change to `view`, with the batch's counts following it. */
function changeOf(batch: BatchProjection, domain: DomainProjection, view: DomainView, time: string): DomainChange {
  if (isTerminalDomainStatus(domain.view.status)) tally(batch, domain.view, -1);
  if (isTerminalDomainStatus(view.status)) tally(batch, view, +1);
  return { domain: domain.domain, view, updatedAt: time, startedAt: domain.startedAt, finishedAt: domain.finishedAt };
}

/** The domain's pages become these: the batch's page count loses the ones they replace. */
function replacePages(
  batch: BatchProjection,
  domain: DomainProjection,
  change: DomainChange,
  pages: PageResult[],
  succeeded: number,
  extraction: DomainExtraction | null,
): void {
  change.pages = pages;
  change.pagesSucceeded = succeeded;
  change.extraction = extraction;
  batch.pagesScraped += succeeded - domain.pagesScraped;
}

/** The batch's status from its counts; its end time and error summary while it is ended. */
function withStatus(batch: BatchProjection, time: string): BatchProjection {
  batch.status = batchStatusFor(
    { total: batch.total, succeeded: batch.succeeded, failed: batch.failed, cancelled: batch.cancelled },
    batch.startTime !== null,
    batch.cancelRequestedAt !== null,
  );
  if (isTerminalBatchStatus(batch.status)) {
    batch.endTime = time;
    batch.error = summary(batch);
  } else {
    batch.endTime = null;
    batch.error = null;
  }
  return batch;
}

function tally(batch: BatchProjection, view: DomainView, by: number): void {
  if (view.status === 'succeeded') batch.succeeded += by;
  else if (view.status === 'failed') batch.failed += by;
  else if (view.status === 'cancelled') batch.cancelled += by;
}

function summary(batch: BatchProjection): string | null {
  if (batch.failed === 0) return null;
  return batch.failed === batch.total
    ? `all ${batch.total} domains failed`
    : `${batch.failed} of ${batch.total} domains failed`;
}

/** A batch and the domain rows a run of its events touches, as they stand. */
export interface FoldState {
  batch: BatchProjection;
  domains: readonly DomainProjection[];
}

/**
 * Consecutive events of one batch applied in order, as projectEvent would apply them one at a
 * time: the batch as it ends up and one change per domain touched (its last state, with the pages
 * of the last change that replaced them). Pure: the aggregator stores the result in one go.
 */
export function foldEvents(
  state: FoldState,
  events: readonly BatchEvent[],
): { batch: BatchProjection; changes: DomainChange[] } {
  let batch = state.batch;
  const domains = new Map(state.domains.map((domain) => [domain.domain, domain]));
  const changes = new Map<string, DomainChange>();
  for (const event of events) {
    const name = domainOf(event);
    const relevant =
      event.type === 'batch.cancel-requested'
        ? [...domains.values()]
        : (event.type === 'batch.retry-requested' ? event.data.domains.map((retried) => retried.domain) : [name ?? ''])
            .map((named) => domains.get(named))
            .filter((domain) => domain !== undefined);
    const result = projectEvent(batch, relevant, event);
    batch = result.batch;
    for (const change of result.changes) {
      changes.set(change.domain, { ...changes.get(change.domain), ...change });
      domains.set(change.domain, {
        domain: change.domain,
        view: change.view,
        startedAt: change.startedAt,
        finishedAt: change.finishedAt,
        pagesScraped: change.pagesSucceeded ?? domains.get(change.domain)?.pagesScraped ?? 0,
      });
    }
  }
  return { batch, changes: [...changes.values()] };
}
