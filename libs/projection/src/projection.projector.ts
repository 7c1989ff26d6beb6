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
  type PageResult,
  succeededPageCount,
} from '@trawl/contracts';

/** A projected domain row, as far as the projector decides it. */
export interface DomainProjection {
  domain: string;
  view: DomainView;
  startedAt: string | null;
  finishedAt: string | null;
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
    const change: DomainChange = {
      domain: domain.domain,
      view,
      updatedAt: event.time,
      startedAt: domain.startedAt,
      finishedAt: domain.finishedAt,
    };
    if (event.type === 'domain.started') change.startedAt = event.data.started_at;
    if (isTerminalDomainStatus(view.status)) {
      change.finishedAt = 'finished_at' in event.data ? event.data.finished_at : event.time;
      tally(next, view, +1);
    }
    if (event.type === 'domain.scraped') {
      change.pages = event.data.pages;
      change.pagesSucceeded = succeededPageCount(event.data);
      change.extraction = event.data.extraction;
    } else if (event.type === 'domain.failed' && isTerminalDomainStatus(view.status)) {
      change.pages = event.data.pages;
      change.pagesSucceeded = succeededPageCount(event.data);
      change.extraction = null;
    }
    next.pagesScraped += change.pagesSucceeded ?? 0;
    changes.push(change);
  }
  next.status = batchStatusFor(
    { total: next.total, succeeded: next.succeeded, failed: next.failed, cancelled: next.cancelled },
    next.startTime !== null,
    next.cancelRequestedAt !== null,
  );
  if (isTerminalBatchStatus(next.status)) {
    next.endTime = event.time;
    next.error = summary(next);
  }
  return { batch: next, changes };
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
        : [domains.get(name ?? '')].filter((domain) => domain !== undefined);
    const result = projectEvent(batch, relevant, event);
    batch = result.batch;
    for (const change of result.changes) {
      changes.set(change.domain, { ...changes.get(change.domain), ...change });
      domains.set(change.domain, {
        domain: change.domain,
        view: change.view,
        startedAt: change.startedAt,
        finishedAt: change.finishedAt,
      });
    }
  }
  return { batch, changes: [...changes.values()] };
}
