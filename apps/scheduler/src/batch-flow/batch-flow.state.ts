import { type DomainView, isTerminalDomainStatus, type MessageOf } from '@trawl/contracts';

/** The scheduler's durable view of one batch (table scheduler_batches). */
export interface FlowBatch {
  batchId: string;
  tenant: string;
  total: number;
  maxConcurrent: number;
  maxPages: number;
  maxAttempts: number;
  /** Deliveries of one attempt's command without a result before its domain fails as a poison command. */
  maxDeliveries: number;
  /** Ordinals below this have been dispatched (or cancelled); the rest up to releaseEnd are pending, in order. */
  nextOrdinal: number;
  /**
   * The end of the release order: `total` at first; a retry-failed round moves the domains it
   * reopens to new ordinals from here on, so they are released in order like the first ones.
   */
  releaseEnd: number;
  /** How many domains hold a slot (`holdsSlot`): the max_concurrent_jobs budget in use. */
  inFlight: number;
  started: boolean;
  cancelRequested: boolean;
  finished: boolean;
  ended: number;
  /**
   * The unfinished batches when this one was loaded (not stored): how many tenants have one, and
   * how many this batch's tenant has. Its fair share of SCHEDULER_DISPATCH_CAPACITY follows.
   */
  competition?: { tenants: number; tenantBatches: number };
}

/** One domain: the log's view of it (the shared fold) plus what this scheduler has done about it. */
export interface FlowDomain {
  ordinal: number;
  domain: string;
  view: DomainView;
  /**
   * The highest attempt this scheduler sent a domain.scrape for. Ahead of view.attempt while its
   * domain.queued is not read back yet; never behind it once an event of the domain was read.
   */
  dispatchedAttempt: number;
  /** When a retry is due, or when the current attempt times out. */
  dueAt: Date | null;
}

export interface FlowSettings {
  attemptTimeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Injected so decisions are reproducible in tests. */
  random: () => number;
  /**
   * Commands all batches together may have out at once (the scrapers' total concurrency), shared
   * fairly: equally between tenants with unfinished batches, then between a tenant's batches.
   * 0 or absent: each batch is bounded by its max_concurrent_jobs only.
   */
  dispatchCapacity?: number;
}

/**
 * How many of its domains a batch may have in flight now: its max_concurrent_jobs, or less, its
 * fair share of the dispatch capacity while other batches run. Commands already out above a share
 * that just shrank finish; the batch releases no more until it is back under.
 */
export function dispatchLimit(batch: FlowBatch, capacity = 0): number {
  if (capacity <= 0 || !batch.competition) return batch.maxConcurrent;
  const tenantShare = Math.ceil(capacity / Math.max(1, batch.competition.tenants));
  const share = Math.max(1, Math.floor(tenantShare / Math.max(1, batch.competition.tenantBatches)));
  return Math.min(batch.maxConcurrent, share);
}

/**
 * Whether a domain holds one of its batch's max_concurrent_jobs slots: it has not ended, and the
 * log queued it (the fold's status left `pending`) or this scheduler dispatched an attempt whose
 * domain.queued is not read back yet. A retry keeps the slot of the attempt that failed.
 */
export function holdsSlot(domain: FlowDomain): boolean {
  const { status, attempt } = domain.view;
  return !isTerminalDomainStatus(status) && (status !== 'pending' || domain.dispatchedAttempt > attempt);
}

/** A pending domain no attempt of which is in flight: what release dispatches next (attempt 1, or a retry round's first). */
export function awaitsRelease(domain: FlowDomain): boolean {
  return domain.view.status === 'pending' && domain.dispatchedAttempt <= domain.view.attempt;
}

/** What the scheduler allows each domain of a new batch (configuration; batch.started logs it for the fold). */
export interface AttemptPolicy {
  maxAttempts: number;
  maxDeliveries: number;
}

/** A batch as the scheduler first stores it, from its batch.requested: nothing dispatched yet. */
export function newFlowBatch(event: MessageOf<'batch.requested'>, policy: AttemptPolicy): FlowBatch {
  const { data } = event;
  return {
    batchId: event.batch_id,
    tenant: event.tenant,
    total: data.domains.length,
    maxConcurrent: data.max_concurrent_jobs,
    maxPages: data.max_pages,
    maxAttempts: policy.maxAttempts,
    maxDeliveries: policy.maxDeliveries,
    nextOrdinal: 0,
    releaseEnd: data.domains.length,
    inFlight: 0,
    ended: 0,
    started: false,
    cancelRequested: false,
    finished: false,
  };
}
