import { type DomainView } from '@trawl/contracts';

/** The scheduler's durable view of one batch (table scheduler_batches). */
export interface FlowBatch {
  batchId: string;
  tenant: string;
  total: number;
  maxConcurrent: number;
  maxPages: number;
  maxAttempts: number;
  /** Ordinals below this have been dispatched (or cancelled); the rest are pending, in order. */
  nextOrdinal: number;
  /** Domains this scheduler dispatched that have not ended yet (the max_concurrent_jobs budget). */
  inFlight: number;
  started: boolean;
  cancelRequested: boolean;
  finished: boolean;
  ended: number;
}

/** One domain: the log's view of it (the shared fold) plus what this scheduler has done about it. */
export interface FlowDomain {
  ordinal: number;
  domain: string;
  view: DomainView;
  /** The highest attempt this scheduler queued; may be ahead of view.attempt until its event is read back. */
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
}
