import {
  type AnyMessage,
  type BatchEvent,
  createMessage,
  deterministicId,
  domainOf,
  evolveDomain,
  initialDomainView,
  isTerminalDomainStatus,
  type MessageOf,
  reopenForRetry,
} from '@trawl/contracts';
import {
  awaitsRelease,
  dispatchLimit,
  type FlowBatch,
  type FlowDomain,
  type FlowSettings,
  holdsSlot,
} from './batch-flow.state';

/** What the scheduler decides on: one event of the batch, read back from the log in order, or its due timers. */
export type FlowInput = { kind: 'event'; event: BatchEvent } | { kind: 'timers' };

/** What a decision reads: the batch, and the domains `rowsFor` selected for the input. */
export interface FlowState {
  batch: FlowBatch;
  domains: readonly FlowDomain[];
}

/** What a decision does: messages to send, events before commands, then the rows to store. */
export interface FlowDecision {
  batch: FlowBatch;
  /** The given domains this decision changed, as they are now. */
  changed: FlowDomain[];
  events: AnyMessage[];
  commands: MessageOf<'domain.scrape'>[];
}

/** The domain rows a decision needs (their union); the store turns each part into a query. */
export interface DomainSelection {
  /** The domain an event is about. */
  named: string[];
  /** The release window: `count` domains from ordinal `from`. */
  window: { from: number; count: number } | null;
  /** What a cancel can stop: never queued in the log, or waiting for a retry. */
  cancellable: boolean;
  /** Domains whose timer is due by then. */
  dueBy: Date | null;
}

/** Only the rows a decision on `input` needs: the event's domain, the release window, what a cancel stops, or what is due. */
export function rowsFor(batch: FlowBatch, input: FlowInput, now: Date): DomainSelection {
  const selection: DomainSelection = { named: [], window: null, cancellable: false, dueBy: null };
  if (input.kind === 'timers') return { ...selection, dueBy: now };
  if (input.event.type === 'batch.cancel-requested') return { ...selection, cancellable: true };
  if (input.event.type === 'batch.retry-requested') {
    return { ...selection, named: input.event.data.domains.map((retried) => retried.domain) };
  }
  const name = domainOf(input.event);
  if (name !== undefined) selection.named.push(name);
  if (!batch.cancelRequested) selection.window = { from: batch.nextOrdinal, count: batch.maxConcurrent };
  return selection;
}

/** The rows BatchFlowStore.load would return for a selection, from rows held in memory (the same four conditions). */
export function selectRows(domains: Iterable<FlowDomain>, selection: DomainSelection): FlowDomain[] {
  const { named, window, cancellable, dueBy } = selection;
  return [...domains].filter(
    (row) =>
      named.includes(row.domain) ||
      (window !== null && row.ordinal >= window.from && row.ordinal < window.from + window.count) ||
      (cancellable && (row.view.status === 'pending' || row.view.awaitingRetry)) ||
      (dueBy !== null && row.dueAt !== null && row.dueAt <= dueBy),
  );
}

/**
 * Decides what the scheduler does for one batch on one input, over the rows `rowsFor` selected.
 * Pure: no I/O, the clock and randomness come in as arguments, and the given rows are not changed.
 */
export function decide(state: FlowState, input: FlowInput, now: Date, settings: FlowSettings): FlowDecision {
  const flow = new BatchFlow(state, now, settings);
  if (input.kind === 'timers') flow.fireTimers();
  else if (input.event.type === 'batch.requested') flow.start();
  else flow.apply(input.event);
  return flow.decision();
}

export function dispatchId(batchId: string, domain: string, attempt: number): string {
  return `${batchId}/${domain}/${attempt}`;
}

/** One decision's working copies of the rows, and the messages it sends. */
class BatchFlow {
  private readonly batch: FlowBatch;
  private readonly domains = new Map<number, FlowDomain>();
  private readonly byName = new Map<string, FlowDomain>();
  private readonly changed = new Set<number>();
  private readonly events: AnyMessage[] = [];
  private readonly commands: MessageOf<'domain.scrape'>[] = [];

  constructor(
    state: FlowState,
    private readonly now: Date,
    private readonly settings: FlowSettings,
  ) {
    this.batch = { ...state.batch };
    for (const row of state.domains) {
      const domain = { ...row };
      this.domains.set(domain.ordinal, domain);
      this.byName.set(domain.domain, domain);
    }
  }

  decision(): FlowDecision {
    return {
      batch: this.batch,
      changed: [...this.domains.values()].filter((domain) => this.changed.has(domain.ordinal)),
      events: this.events,
      commands: this.commands,
    };
  }

  /** First dispatch of a batch the scheduler has just stored. */
  start(): void {
    if (this.batch.started) return;
    this.batch.started = true;
    this.events.push(
      createMessage({
        type: 'batch.started',
        tenant: this.batch.tenant,
        batchId: this.batch.batchId,
        id: deterministicId(this.batch.batchId, 'started'),
        time: this.now,
        data: {
          started_at: this.now.toISOString(),
          max_attempts: this.batch.maxAttempts,
          max_deliveries: this.batch.maxDeliveries,
        },
      }),
    );
    this.release();
  }

  /** Folds one event of this batch and reacts to it. */
  apply(event: BatchEvent): void {
    if (event.type === 'batch.retry-requested') {
      this.retry(event);
      this.release();
      return;
    }
    if (this.batch.finished) return;
    if (event.type === 'batch.cancel-requested') {
      this.batch.cancelRequested = true;
      for (const domain of this.domains.values()) this.evolve(domain, event);
    } else {
      const name = domainOf(event);
      const domain = name === undefined ? undefined : this.byName.get(name);
      if (domain) this.evolve(domain, event);
    }
    this.release();
  }

  /**
   * Reopens the failed domains a retry-failed request names (those the fold agrees failed at the
   * named attempt) and puts them at the end of the release order. A finished batch keeps the rows
   * of its failed domains for this; a row missing altogether (a batch that finished before they
   * were kept) is rebuilt from the request, which the projection of the same log wrote.
   */
  private retry(event: MessageOf<'batch.retry-requested'>): void {
    if (this.batch.cancelRequested) return;
    for (const { domain: name, attempt } of event.data.domains) {
      const domain = this.byName.get(name) ?? this.rebuildFailedRow(name, attempt);
      const reopened = reopenForRetry(domain.view, attempt);
      if (reopened === domain.view) continue;
      this.domains.delete(domain.ordinal);
      this.changed.delete(domain.ordinal);
      domain.ordinal = this.batch.releaseEnd;
      this.batch.releaseEnd += 1;
      this.domains.set(domain.ordinal, domain);
      this.update(domain, { view: reopened, dueAt: null });
    }
  }

  /** A failed domain's row as it stood when its batch finished, counted among the batch's ended domains. */
  private rebuildFailedRow(name: string, attempt: number): FlowDomain {
    const domain: FlowDomain = {
      ordinal: -1,
      domain: name,
      view: { ...initialDomainView, status: 'failed', attempt },
      dispatchedAttempt: attempt,
      dueAt: null,
    };
    this.byName.set(name, domain);
    return domain;
  }

  /** Acts on the loaded domains whose timer is due: dispatch a retry, or declare an attempt timed out. */
  fireTimers(): void {
    if (this.batch.finished) return;
    for (const domain of this.domains.values()) {
      if (!domain.dueAt || domain.dueAt > this.now) continue;
      // Rows stored before the read-back adopted logged attempts may still be behind the log.
      if (this.adoptLoggedAttempt(domain)) continue;
      const { view } = domain;
      if (view.awaitingRetry && domain.dispatchedAttempt === view.attempt && !this.batch.cancelRequested) {
        this.dispatch(domain, view.attempt + 1);
      } else if (
        (view.status === 'queued' || view.status === 'running') &&
        !view.awaitingRetry &&
        view.attempt === domain.dispatchedAttempt
      ) {
        this.timeOut(domain, view.attempt, domain.dueAt);
      } else if (view.attempt < domain.dispatchedAttempt) {
        // Dispatched a whole attempt timeout ago and its domain.queued still not read back: the
        // consumer lost it (dead-lettered), or no report came. Either way the attempt is over;
        // the fold reads the time-out as implying the lost domain.queued.
        this.timeOut(domain, domain.dispatchedAttempt, domain.dueAt);
      } else {
        this.update(domain, { dueAt: this.later(this.settings.attemptTimeoutMs) });
      }
    }
  }

  /** Logs that an attempt got no result by its deadline; reading it back fails (and maybe retries) the attempt. */
  private timeOut(domain: FlowDomain, attempt: number, deadline: Date): void {
    this.events.push(
      createMessage({
        type: 'domain.timed-out',
        tenant: this.batch.tenant,
        batchId: this.batch.batchId,
        id: deterministicId(this.batch.batchId, 'timed-out', domain.domain, attempt),
        time: this.now,
        data: {
          domain: domain.domain,
          attempt,
          dispatch_id: dispatchId(this.batch.batchId, domain.domain, attempt),
          deadline_at: deadline.toISOString(),
        },
      }),
    );
    this.update(domain, { dueAt: null });
  }

  private evolve(domain: FlowDomain, event: BatchEvent): void {
    const before = domain.view;
    const after = evolveDomain(before, event, {
      maxAttempts: this.batch.maxAttempts,
      maxDeliveries: this.batch.maxDeliveries,
      cancelRequested: this.batch.cancelRequested,
    });
    if (after === before) return;
    this.update(domain, { view: after });
    if (isTerminalDomainStatus(after.status)) {
      this.update(domain, { dueAt: null });
      return;
    }
    if (this.adoptLoggedAttempt(domain)) return;
    if (after.awaitingRetry && !before.awaitingRetry) {
      this.update(domain, { dueAt: this.later(this.retryDelayMs(after.attempt)) });
    } else if (event.type === 'domain.started' && after.status === 'running') {
      this.update(domain, { dueAt: this.later(this.settings.attemptTimeoutMs) });
    }
  }

  /**
   * The log queued an attempt this scheduler has no record of dispatching: the decision that
   * queued it published its events, then failed (or the process stopped) before the command went
   * out or before its rows were stored. Left alone, the domain would stay queued for good: no
   * scraper reports on a command it never got, and the timer acts only on the attempt it
   * dispatched. So the command is sent (again) under the same ids (at worst a scraper does the
   * work twice and the fold ignores the second result), and the attempt gets its deadline.
   * If a scraper already reported on the attempt (running, or failed and awaiting a retry), the
   * command evidently went out: only the record is missing. True if a command was sent.
   */
  private adoptLoggedAttempt(domain: FlowDomain): boolean {
    const { view } = domain;
    if (isTerminalDomainStatus(view.status) || view.attempt <= domain.dispatchedAttempt) return false;
    if (view.awaitingRetry || view.status === 'running') {
      this.update(domain, { dispatchedAttempt: view.attempt });
      return false;
    }
    this.sendScrape(domain, view.attempt);
    return true;
  }

  /** Dispatches pending domains, in order, while the batch has room under max_concurrent_jobs and its fair share. */
  private release(): void {
    if (!this.batch.started || this.batch.cancelRequested || this.batch.finished) return;
    const limit = dispatchLimit(this.batch, this.settings.dispatchCapacity);
    while (this.batch.inFlight < limit && this.batch.nextOrdinal < this.batch.releaseEnd) {
      const domain = this.domains.get(this.batch.nextOrdinal);
      if (!domain)
        throw new Error(`batch ${this.batch.batchId}: pending domain #${this.batch.nextOrdinal} was not loaded`);
      this.batch.nextOrdinal += 1;
      if (!awaitsRelease(domain)) continue;
      this.dispatch(domain, domain.view.attempt + 1);
    }
  }

  /** A new attempt: domain.queued for the log, then its command. */
  private dispatch(domain: FlowDomain, attempt: number): void {
    const { batchId, tenant } = this.batch;
    this.events.push(
      createMessage({
        type: 'domain.queued',
        tenant,
        batchId,
        id: deterministicId(batchId, 'queued', domain.domain, attempt),
        time: this.now,
        data: { domain: domain.domain, attempt, dispatch_id: dispatchId(batchId, domain.domain, attempt) },
      }),
    );
    this.sendScrape(domain, attempt);
  }

  /** The command for one attempt, recorded as dispatched, with the attempt's deadline. */
  private sendScrape(domain: FlowDomain, attempt: number): void {
    const { batchId, tenant } = this.batch;
    const dueAt = this.later(this.settings.attemptTimeoutMs);
    this.update(domain, { dispatchedAttempt: attempt, dueAt });
    this.commands.push(
      createMessage({
        type: 'domain.scrape',
        tenant,
        batchId,
        id: deterministicId(batchId, 'scrape', domain.domain, attempt),
        time: this.now,
        data: {
          domain: domain.domain,
          attempt,
          dispatch_id: dispatchId(batchId, domain.domain, attempt),
          max_pages: this.batch.maxPages,
          dispatched_at: this.now.toISOString(),
          expires_at: dueAt.toISOString(),
        },
      }),
    );
  }

  /**
   * Every change to a domain goes through here, so the batch's slot and end counts follow from its
   * domains (`holdsSlot`, terminal status) whichever way a domain moved: a dispatch, a read-back,
   * an adopted attempt or a cancel.
   */
  private update(domain: FlowDomain, change: Partial<Pick<FlowDomain, 'view' | 'dispatchedAttempt' | 'dueAt'>>): void {
    const held = holdsSlot(domain);
    const ended = isTerminalDomainStatus(domain.view.status);
    Object.assign(domain, change);
    this.batch.inFlight += Number(holdsSlot(domain)) - Number(held);
    this.batch.ended += Number(isTerminalDomainStatus(domain.view.status)) - Number(ended);
    this.batch.finished = this.batch.ended >= this.batch.total;
    this.changed.add(domain.ordinal);
  }

  private later(ms: number): Date {
    return new Date(this.now.getTime() + ms);
  }

  /** Exponential backoff with full jitter, capped. */
  private retryDelayMs(failedAttempt: number): number {
    const ceiling = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** (failedAttempt - 1));
    return Math.round(ceiling / 2 + this.settings.random() * (ceiling / 2));
  }
}
