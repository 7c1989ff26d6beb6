import { Inject, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { type DataSource } from 'typeorm';
import { type AnyMessage, type BatchEvent, domainOf, type MessageOf } from '@trawl/contracts';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { MessagePublisher, NonRetryableError } from '@trawl/messaging';
import { DATA_SOURCE, ensureInitialized, freshByBatch, markProcessedMany } from '@trawl/persistence';
import { extractTraceContext, inSpan, injectTraceHeaders, LOG, type Log, TrawlAttribute } from '@trawl/telemetry';
import {
  decide,
  type DomainSelection,
  type FlowDecision,
  type FlowInput,
  rowsFor,
  selectRows,
} from './batch-flow.decider';
import { type AttemptPolicy, type FlowDomain, type FlowSettings, newFlowBatch } from './batch-flow.state';
import { BatchFlowStore } from './batch-flow.store';

const CONSUMER = 'scheduler';

/**
 * The scheduler's I/O shell: loads the rows a decision needs under the batch's lock, lets the
 * decider decide, sends its messages (events, then commands) and stores the new rows in the same
 * transaction as the event's id. A failure after some messages went out leaves the rows as they
 * were: an event's decision is re-made when the event is handed over again, a timer's when it
 * fires again, and deterministic ids make the second sending a duplicate. Should the log's
 * domain.queued be read back first, the decider sends that attempt's command itself.
 */
@Injectable()
export class BatchFlowService {
  private readonly settings: FlowSettings;
  private readonly policy: AttemptPolicy;

  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
    @Inject(TRAWL_CONFIG) config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.settings = {
      attemptTimeoutMs: config.SCHEDULER_ATTEMPT_TIMEOUT_MS,
      retryBaseMs: config.SCHEDULER_RETRY_BASE_MS,
      retryMaxMs: config.SCHEDULER_RETRY_MAX_MS,
      random: Math.random,
      dispatchCapacity: config.SCHEDULER_DISPATCH_CAPACITY,
    };
    this.policy = { maxAttempts: config.SCHEDULER_MAX_ATTEMPTS, maxDeliveries: config.SCHEDULER_MAX_DELIVERIES };
  }

  /** One event, decided as a fetch of one (the consumer's path when a run cannot be decided together). */
  async onEvent(event: BatchEvent): Promise<void> {
    await this.onEvents([event]);
  }

  /**
   * The events of one Kafka fetch in one transaction: their ids recorded at once, and for each
   * batch, its events decided in log order over rows held in memory (read once, written once),
   * the events of all decisions sent, then their commands, then the rows stored. The same
   * decisions as one event at a time; a failure leaves everything to be decided again.
   */
  async onEvents(
    events: readonly BatchEvent[],
    traceHeadersOf: (event: BatchEvent) => Record<string, string> = () => injectTraceHeaders(),
  ): Promise<void> {
    await ensureInitialized(this.dataSource);
    await this.dataSource.transaction(async (em) => {
      const fresh = await markProcessedMany(
        em,
        CONSUMER,
        events.map((event) => event.id),
      );
      const store = new BatchFlowStore(em);
      for (const [batchId, run] of freshByBatch(events, fresh)) {
        await this.decideRun(store, batchId, run, traceHeadersOf);
      }
    });
  }

  private async decideRun(
    store: BatchFlowStore,
    batchId: string,
    run: BatchEvent[],
    traceHeadersOf: (event: BatchEvent) => Record<string, string>,
  ): Promise<void> {
    for (const event of run) {
      if (event.type !== 'batch.requested') continue;
      // The batch's trace is the one its batch.requested came in (the gateway's request).
      await this.store(store, event, injectTraceHeaders(extractTraceContext(traceHeadersOf(event))));
    }
    const stored = await store.lock(batchId);
    if (!stored) throw new NonRetryableError(`no batch.requested was seen for batch ${batchId}`);
    let { batch } = stored;
    // A finished batch takes nothing but a retry-failed round; events after its end change nothing.
    const reopens = (event: BatchEvent) => event.type === 'batch.retry-requested';
    if (batch.finished && !run.some(reopens)) return;
    const rows = new RowsInMemory(store, batchId);
    // Most of what the run needs in one query: its domains and the release window it can reach.
    await rows.ensure({
      named: [...new Set(run.map(domainOf).filter((name) => name !== undefined))],
      window: { from: batch.nextOrdinal, count: batch.maxConcurrent + run.length },
      cancellable: run.some((event) => event.type === 'batch.cancel-requested'),
      dueBy: null,
    });
    const decisions: FlowDecision[] = [];
    for (const event of run) {
      if (batch.finished && !reopens(event)) continue;
      const now = new Date();
      const input: FlowInput = { kind: 'event', event };
      const selection = rowsFor(batch, input, now);
      await rows.ensure(selection);
      const decision = decide({ batch, domains: rows.select(selection) }, input, now, this.settings);
      batch = decision.batch;
      rows.update(decision.changed);
      decisions.push(decision);
    }
    // What is sent on the batch's behalf belongs to the batch's trace, not to the fetch's span.
    await context.with(extractTraceContext(stored.traceHeaders), () =>
      inSpan(
        'scheduler decisions',
        { attributes: { [TrawlAttribute.batchId]: batchId, 'trawl.events': run.length } },
        () =>
          this.commit(store, {
            batch,
            changed: rows.changed(),
            events: decisions.flatMap((decision) => decision.events),
            commands: decisions.flatMap((decision) => decision.commands),
          }),
      ),
    );
  }

  private async store(
    store: BatchFlowStore,
    event: MessageOf<'batch.requested'>,
    traceHeaders = injectTraceHeaders(),
  ): Promise<void> {
    await store.insert(newFlowBatch(event, this.policy), event.data.domains, traceHeaders);
  }

  /** Fires due retries and timeouts of one batch. */
  async onTimers(batchId: string, now: Date): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const store = new BatchFlowStore(em);
      const stored = await store.lock(batchId);
      if (!stored || stored.batch.finished) return;
      const input: FlowInput = { kind: 'timers' };
      const domains = await store.load(batchId, rowsFor(stored.batch, input, now));
      if (domains.length === 0) return;
      await context.with(extractTraceContext(stored.traceHeaders), () =>
        inSpan(
          'scheduler timers',
          { attributes: { [TrawlAttribute.batchId]: batchId, 'trawl.due_domains': domains.length } },
          () => this.commit(store, decide({ batch: stored.batch, domains }, input, now, this.settings)),
        ),
      );
    });
  }

  private async commit(store: BatchFlowStore, decision: FlowDecision): Promise<void> {
    // The log learns of each dispatch before any scraper can report on it. Should the commands or
    // the commit fail after the events went out, the read-back of domain.queued sends the command
    // again (the decider's adoptLoggedAttempt), so no attempt is left without one.
    await this.send(decision.events);
    await this.send(decision.commands);
    await store.save(decision.batch, decision.changed);
    const { batch, commands } = decision;
    if (commands.length > 0 || batch.finished) {
      this.log.info(
        {
          batch_id: batch.batchId,
          dispatched: commands.slice(0, 20).map((c) => `${c.data.domain}#${c.data.attempt}`),
          dispatched_count: commands.length,
          in_flight: batch.inFlight,
          ended: batch.ended,
          total: batch.total,
          finished: batch.finished,
        },
        batch.finished ? 'batch finished' : 'dispatched',
      );
    }
  }

  private async send(messages: AnyMessage[]): Promise<void> {
    if (messages.length > 0) await this.publisher.publish(messages);
  }

  async batchesWithDueTimers(now: Date, limit: number): Promise<string[]> {
    await ensureInitialized(this.dataSource);
    return new BatchFlowStore(this.dataSource.manager).batchesWithDueTimers(now, limit);
  }
}

/**
 * One batch's domain rows during a run of decisions: loaded from the store when a selection needs
 * rows not held yet, then kept, with each decision's changes, as the newest version of each row.
 */
class RowsInMemory {
  private readonly rows = new Map<number, FlowDomain>();
  private readonly byName = new Map<string, number>();
  private readonly touched = new Set<number>();
  private cancellableLoaded = false;

  constructor(
    private readonly store: BatchFlowStore,
    private readonly batchId: string,
  ) {}

  /** Loads what the store would select and is not held yet (rows held are newer than the store's). */
  async ensure(selection: DomainSelection): Promise<void> {
    const named = selection.named.filter((name) => !this.byName.has(name));
    let window = selection.window;
    if (window) {
      const missing: number[] = [];
      for (let ordinal = window.from; ordinal < window.from + window.count; ordinal += 1) {
        if (!this.rows.has(ordinal)) missing.push(ordinal);
      }
      window =
        missing.length === 0 ? null : { from: missing[0]!, count: missing[missing.length - 1]! - missing[0]! + 1 };
    }
    const cancellable = selection.cancellable && !this.cancellableLoaded;
    if (named.length === 0 && !window && !cancellable && !selection.dueBy) return;
    const loaded = await this.store.load(this.batchId, { named, window, cancellable, dueBy: selection.dueBy });
    if (cancellable) this.cancellableLoaded = true;
    for (const row of loaded) {
      if (this.rows.has(row.ordinal)) continue;
      this.rows.set(row.ordinal, row);
      this.byName.set(row.domain, row.ordinal);
    }
  }

  select(selection: DomainSelection): FlowDomain[] {
    return selectRows(this.rows.values(), selection);
  }

  update(changed: readonly FlowDomain[]): void {
    for (const row of changed) {
      // A retry round moves a row to a new ordinal.
      const before = this.byName.get(row.domain);
      if (before !== undefined && before !== row.ordinal) {
        this.rows.delete(before);
        this.touched.delete(before);
      }
      this.rows.set(row.ordinal, row);
      this.byName.set(row.domain, row.ordinal);
      this.touched.add(row.ordinal);
    }
  }

  changed(): FlowDomain[] {
    return [...this.touched].map((ordinal) => this.rows.get(ordinal)!);
  }
}
