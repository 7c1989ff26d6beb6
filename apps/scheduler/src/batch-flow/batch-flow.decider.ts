import {
  type AnyMessage,
  type BatchEvent,
  createMessage,
  deterministicId,
  domainOf,
  evolveDomain,
  isTerminalDomainStatus,
  type MessageOf,
} from '@trawl/contracts';
import { type FlowBatch, type FlowDomain, type FlowSettings } from './batch-flow.state';

/**
 * Decides what the scheduler does for one batch, over the rows the handler loaded: the batch,
 * the domains an event or timer concerns, and the next pending domains (for release).
 * Pure: no I/O, the clock and randomness come in as arguments. Mutates its working copies and
 * records which domains changed and which messages to send (events before commands).
 */
export class BatchFlowDecider {
  readonly changed = new Set<number>();
  readonly events: AnyMessage[] = [];
  readonly commands: MessageOf<'domain.scrape'>[] = [];
  private readonly byName = new Map<string, FlowDomain>();

  constructor(
    readonly batch: FlowBatch,
    private readonly domains: Map<number, FlowDomain>,
    private readonly settings: FlowSettings,
  ) {
    for (const domain of domains.values()) this.byName.set(domain.domain, domain);
  }

  /** First dispatch of a batch the scheduler has just stored. */
  start(now: Date): void {
    if (this.batch.started) return;
    this.batch.started = true;
    this.events.push(
      createMessage({
        type: 'batch.started',
        tenant: this.batch.tenant,
        batchId: this.batch.batchId,
        id: deterministicId(this.batch.batchId, 'started'),
        time: now,
        data: { started_at: now.toISOString(), max_attempts: this.batch.maxAttempts },
      }),
    );
    this.release(now);
  }

  /** Folds one event of this batch, read back from the log in order, and reacts to it. */
  apply(event: BatchEvent, now: Date): void {
    if (this.batch.finished) return;
    if (event.type === 'batch.cancel-requested') {
      this.batch.cancelRequested = true;
      for (const domain of this.domains.values()) this.evolve(domain, event, now);
    } else {
      const name = domainOf(event);
      const domain = name === undefined ? undefined : this.byName.get(name);
      if (domain) this.evolve(domain, event, now);
    }
    this.release(now);
  }

  /** Acts on the loaded domains whose timer is due: dispatch a retry, or declare an attempt timed out. */
  fireTimers(now: Date): void {
    if (this.batch.finished) return;
    for (const domain of this.domains.values()) {
      if (!domain.dueAt || domain.dueAt > now) continue;
      const { view } = domain;
      if (view.awaitingRetry && domain.dispatchedAttempt === view.attempt && !this.batch.cancelRequested) {
        this.dispatch(domain, view.attempt + 1, now);
      } else if (
        (view.status === 'queued' || view.status === 'running') &&
        !view.awaitingRetry &&
        view.attempt === domain.dispatchedAttempt
      ) {
        this.events.push(
          createMessage({
            type: 'domain.timed-out',
            tenant: this.batch.tenant,
            batchId: this.batch.batchId,
            id: deterministicId(this.batch.batchId, 'timed-out', domain.domain, view.attempt),
            time: now,
            data: {
              domain: domain.domain,
              attempt: view.attempt,
              dispatch_id: dispatchId(this.batch.batchId, domain.domain, view.attempt),
              deadline_at: domain.dueAt.toISOString(),
            },
          }),
        );
        this.setDue(domain, null);
      } else {
        // Queued but not yet read back from the log: check again a timeout later.
        this.setDue(domain, new Date(now.getTime() + this.settings.attemptTimeoutMs));
      }
    }
  }

  private evolve(domain: FlowDomain, event: BatchEvent, now: Date): void {
    const before = domain.view;
    const after = evolveDomain(before, event, {
      maxAttempts: this.batch.maxAttempts,
      cancelRequested: this.batch.cancelRequested,
    });
    if (after === before) return;
    domain.view = after;
    this.changed.add(domain.ordinal);
    if (isTerminalDomainStatus(after.status) && !isTerminalDomainStatus(before.status)) {
      this.batch.ended += 1;
      if (domain.dispatchedAttempt > 0) this.batch.inFlight -= 1;
      this.setDue(domain, null);
      if (this.batch.ended >= this.batch.total) this.batch.finished = true;
      return;
    }
    if (after.awaitingRetry && !before.awaitingRetry) {
      this.setDue(domain, new Date(now.getTime() + this.retryDelayMs(after.attempt)));
    } else if (event.type === 'domain.started' && after.status === 'running') {
      this.setDue(domain, new Date(now.getTime() + this.settings.attemptTimeoutMs));
    }
  }

  /** Dispatches pending domains, in order, while the batch has room under max_concurrent_jobs. */
  private release(now: Date): void {
    if (!this.batch.started || this.batch.cancelRequested || this.batch.finished) return;
    while (this.batch.inFlight < this.batch.maxConcurrent && this.batch.nextOrdinal < this.batch.total) {
      const domain = this.domains.get(this.batch.nextOrdinal);
      if (!domain)
        throw new Error(`batch ${this.batch.batchId}: pending domain #${this.batch.nextOrdinal} was not loaded`);
      this.batch.nextOrdinal += 1;
      if (domain.view.status !== 'pending' || domain.dispatchedAttempt > 0) continue;
      this.batch.inFlight += 1;
      this.dispatch(domain, 1, now);
    }
  }

  private dispatch(domain: FlowDomain, attempt: number, now: Date): void {
    const { batchId, tenant } = this.batch;
    const id = dispatchId(batchId, domain.domain, attempt);
    domain.dispatchedAttempt = attempt;
    this.setDue(domain, new Date(now.getTime() + this.settings.attemptTimeoutMs));
    this.events.push(
      createMessage({
        type: 'domain.queued',
        tenant,
        batchId,
        id: deterministicId(batchId, 'queued', domain.domain, attempt),
        time: now,
        data: { domain: domain.domain, attempt, dispatch_id: id },
      }),
    );
    this.commands.push(
      createMessage({
        type: 'domain.scrape',
        tenant,
        batchId,
        id: deterministicId(batchId, 'scrape', domain.domain, attempt),
        time: now,
        data: {
          domain: domain.domain,
          attempt,
          dispatch_id: id,
          max_pages: this.batch.maxPages,
          dispatched_at: now.toISOString(),
        },
      }),
    );
  }

  private setDue(domain: FlowDomain, dueAt: Date | null): void {
    domain.dueAt = dueAt;
    this.changed.add(domain.ordinal);
  }

  /** Exponential backoff with full jitter, capped. */
  private retryDelayMs(failedAttempt: number): number {
    const ceiling = Math.min(this.settings.retryMaxMs, this.settings.retryBaseMs * 2 ** (failedAttempt - 1));
    return Math.round(ceiling / 2 + this.settings.random() * (ceiling / 2));
  }
}

export function dispatchId(batchId: string, domain: string, attempt: number): string {
  return `${batchId}/${domain}/${attempt}`;
}
