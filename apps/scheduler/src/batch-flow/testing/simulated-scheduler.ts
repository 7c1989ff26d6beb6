import {
  type BatchEvent,
  createMessage,
  DEFAULT_MAX_DELIVERIES,
  deterministicId,
  domainOf,
  type DomainView,
  evolveDomain,
  initialDomainView,
  isTerminalDomainStatus,
  type MessageOf,
  reopenForRetry,
} from '@trawl/contracts';
import { decide, type FlowDecision, type FlowInput, rowsFor, selectRows } from '../batch-flow.decider';
import {
  type AttemptPolicy,
  type FlowBatch,
  type FlowDomain,
  type FlowSettings,
  newFlowBatch,
} from '../batch-flow.state';

/** How sending and storing a decision can go wrong in BatchFlowService.commit. */
export type Failure =
  | 'none'
  /** The events' publish failed: nothing went out, nothing was stored. */
  | 'events-not-sent'
  /** The events went out, then the commands' publish failed (or the process stopped between the two). */
  | 'commands-not-sent'
  /** Events and commands went out, then the transaction did not commit. */
  | 'commit-failed';

export type ScraperReport = 'started' | 'scraped' | 'retryable' | 'fatal';

/**
 * The shared fold over a stretch of the log, as the aggregator folds it: each event once,
 * batch-wide events reach every domain, a domain's events reach that domain only.
 */
export function foldLog(events: readonly BatchEvent[], names: readonly string[]): Map<string, DomainView> {
  const views = new Map(names.map((name) => [name, initialDomainView]));
  let maxAttempts = 1;
  let maxDeliveries = DEFAULT_MAX_DELIVERIES;
  let cancelRequested = false;
  const seen = new Set<string>();
  for (const event of events) {
    // Consumers record each event id they applied (processed_events): a redelivered event counts once.
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    if (event.type === 'batch.started') {
      maxAttempts = event.data.max_attempts;
      maxDeliveries = event.data.max_deliveries ?? DEFAULT_MAX_DELIVERIES;
    }
    if (event.type === 'batch.cancel-requested') cancelRequested = true;
    if (event.type === 'batch.retry-requested') {
      if (cancelRequested) continue;
      for (const { domain, attempt } of event.data.domains) {
        const view = views.get(domain);
        if (view) views.set(domain, reopenForRetry(view, attempt));
      }
      continue;
    }
    const name = domainOf(event);
    for (const [domain, view] of views) {
      if (name === undefined || name === domain) {
        views.set(domain, evolveDomain(view, event, { maxAttempts, maxDeliveries, cancelRequested }));
      }
    }
  }
  return views;
}

/**
 * The scheduler as a process, around the pure decider: its durable rows (scheduler_batches,
 * scheduler_domains, processed_events), the batch's partition of the batch-events topic, the
 * commands topic, the consumer's position and committed offset, and a clock. Each method is
 * one transaction of BatchFlowService, which a Failure can roll back after some of its
 * messages went out.
 */
export class SimulatedScheduler {
  /** The batch's partition of batch-events, in order: what the gateway, the scrapers and the scheduler published. */
  readonly log: BatchEvent[] = [];
  /** Every domain.scrape the commands topic received, duplicates included. */
  readonly commands: MessageOf<'domain.scrape'>[] = [];
  /** Durable rows; only the failed domains' rows once the batch finished (BatchFlowStore.save deletes the rest). */
  batch: FlowBatch | undefined;
  domains = new Map<number, FlowDomain>();
  private readonly processed = new Set<string>();
  /** The next event the consumer reads, and where it resumes after a restart. */
  position = 0;
  private committedOffset = 0;
  /** How much of the log the scheduler has consumed: its rows are the fold of log[0, consumed). */
  consumed = 0;
  private reports = 0;
  private rounds = 0;

  constructor(
    private readonly settings: FlowSettings,
    private readonly policy: AttemptPolicy,
    public now: Date,
  ) {}

  get finished(): boolean {
    return this.batch?.finished ?? false;
  }

  /** BatchFlowService.onEvent on the next event of the log; false when the consumer is at its end. */
  consume(failure: Failure = 'none', commitOffset = true): boolean {
    const event = this.log[this.position];
    if (!event) return false;
    if (!this.processed.has(event.id)) {
      let batch = this.batch;
      let domains = this.domains;
      if (event.type === 'batch.requested' && !batch) ({ batch, domains } = this.stored(event));
      if (!batch) throw new Error(`no batch.requested was seen for batch ${event.batch_id}`);
      if (!batch.finished || event.type === 'batch.retry-requested') {
        const input: FlowInput = { kind: 'event', event };
        const decision = decide(
          { batch, domains: selectRows(domains.values(), rowsFor(batch, input, this.now)) },
          input,
          this.now,
          this.settings,
        );
        // Rolled back: the offset does not move, so the consumer hands the same event over again.
        if (!this.publish(decision, failure)) return true;
        this.save(decision, domains);
      } else if (failure !== 'none') return true;
      this.processed.add(event.id);
    }
    this.position += 1;
    this.consumed = Math.max(this.consumed, this.position);
    if (commitOffset) this.committedOffset = this.position;
    return true;
  }

  /** TimerLoopService's tick: BatchFlowService.onTimers at the current time. */
  tick(failure: Failure = 'none'): void {
    const { batch } = this;
    if (!batch || batch.finished) return;
    const input: FlowInput = { kind: 'timers' };
    const rows = selectRows(this.domains.values(), rowsFor(batch, input, this.now));
    if (rows.length === 0) return;
    const decision = decide({ batch, domains: rows }, input, this.now, this.settings);
    if (this.publish(decision, failure)) this.save(decision, this.domains);
  }

  /** The process stops and starts again: nothing survives but the rows and the committed offset. */
  restart(): void {
    this.position = this.committedOffset;
  }

  /** The earliest timer in the rows. */
  nextDue(): Date | undefined {
    let next: Date | undefined;
    for (const row of this.domains.values()) if (row.dueAt && (!next || row.dueAt < next)) next = row.dueAt;
    return next;
  }

  commandSent(domain: string, attempt: number): boolean {
    return this.commands.some((command) => command.data.domain === domain && command.data.attempt === attempt);
  }

  /** What a scraper working on `command` publishes. */
  report(command: MessageOf<'domain.scrape'>, report: ScraperReport): void {
    const { batch_id: batchId, tenant, data } = command;
    const base = { tenant, batchId, id: deterministicId(batchId, 'report', (this.reports += 1)), time: this.now };
    const attempt = { domain: data.domain, attempt: data.attempt, dispatch_id: data.dispatch_id };
    const at = this.now.toISOString();
    let event: BatchEvent;
    if (report === 'started') {
      event = createMessage({ ...base, type: 'domain.started', data: { ...attempt, started_at: at, scraper_id: 's' } });
    } else if (report === 'scraped') {
      event = createMessage({
        ...base,
        type: 'domain.scraped',
        data: {
          ...attempt,
          started_at: at,
          finished_at: at,
          pages: [],
          extraction: { emails: [], phones: [], socials: [], technologies: [] },
        },
      });
    } else {
      event = createMessage({
        ...base,
        type: 'domain.failed',
        data: {
          ...attempt,
          started_at: at,
          finished_at: at,
          error: { class: report, message: report, retryable: report === 'retryable' },
          pages: [],
        },
      });
    }
    this.log.push(event);
  }

  /** The gateway's batch.cancel-requested. */
  cancel(batchId: string, tenant: string): void {
    this.log.push(
      createMessage({
        type: 'batch.cancel-requested',
        tenant,
        batchId,
        id: deterministicId(batchId, 'cancel', (this.reports += 1)),
        time: this.now,
        data: { requested_at: this.now.toISOString(), reason: null },
      }),
    );
  }

  /** Sends what the failure lets through; true if the transaction then commits. */
  private publish(decision: FlowDecision, failure: Failure): boolean {
    if (failure === 'events-not-sent') return false;
    this.log.push(...(decision.events as BatchEvent[]));
    if (failure === 'commands-not-sent') return false;
    this.commands.push(...decision.commands);
    return failure === 'none';
  }

  /** The gateway's batch.retry-requested, when the log says the batch ended with failed domains and no cancel. */
  retryFailed(batchId: string, tenant: string, names: readonly string[]): boolean {
    if (this.log.some((event) => event.type === 'batch.cancel-requested')) return false;
    const views = foldLog(this.log, names);
    if (![...views.values()].every((view) => isTerminalDomainStatus(view.status))) return false;
    const failed = [...views].filter(([, view]) => view.status === 'failed');
    if (failed.length === 0) return false;
    this.rounds += 1;
    this.log.push(
      createMessage({
        type: 'batch.retry-requested',
        tenant,
        batchId,
        id: deterministicId(batchId, 'retry-requested', this.rounds, 1),
        time: this.now,
        data: {
          requested_at: this.now.toISOString(),
          round: this.rounds,
          part: 1,
          parts: 1,
          domains: failed.map(([domain, view]) => ({ domain, attempt: view.attempt })),
        },
      }),
    );
    return true;
  }

  /** As BatchFlowStore.save: rows by domain (a retry round moves one to a new ordinal); a finished batch keeps its failed ones. */
  private save(decision: FlowDecision, domains: Map<number, FlowDomain>): void {
    this.batch = decision.batch;
    const byDomain = new Map([...domains.values()].map((row) => [row.domain, row]));
    for (const row of decision.changed) byDomain.set(row.domain, row);
    const kept = [...byDomain.values()].filter((row) => !decision.batch.finished || row.view.status === 'failed');
    this.domains = new Map(kept.map((row) => [row.ordinal, row]));
  }

  /** BatchFlowService.store: the batch and its domains, all pending (stored with the decision's transaction). */
  private stored(event: MessageOf<'batch.requested'>): { batch: FlowBatch; domains: Map<number, FlowDomain> } {
    return {
      batch: newFlowBatch(event, this.policy),
      domains: new Map(
        event.data.domains.map((domain, ordinal) => [
          ordinal,
          { ordinal, domain, view: initialDomainView, dispatchedAttempt: 0, dueAt: null },
        ]),
      ),
    };
  }
}
