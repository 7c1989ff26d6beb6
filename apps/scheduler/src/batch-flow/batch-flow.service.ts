import { Inject, Injectable } from '@nestjs/common';
import {
  type Context,
  context,
  type Link,
  type Span,
  type SpanContext,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { type DataSource } from 'typeorm';
import { type AnyMessage, type BatchEvent, domainOf, type MessageOf } from '@trawl/contracts';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { MessagePublisher, NonRetryableError } from '@trawl/messaging';
import { DATA_SOURCE, ensureInitialized, freshByBatch, markProcessedMany } from '@trawl/persistence';
import {
  extractTraceContext,
  inSpan,
  injectTraceHeaders,
  LOG,
  type Log,
  tracer,
  TrawlAttribute,
} from '@trawl/telemetry';
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
    await this.inDecisionSpan(
      'scheduler decisions',
      stored.traceHeaders,
      {
        batchLevel:
          run.some((event) => BATCH_LEVEL_EVENTS.has(event.type)) || (batch.finished && !stored.batch.finished),
        attributes: { [TrawlAttribute.batchId]: batchId, 'trawl.events': run.length },
        triggers: run.map((event) => ({ event, headers: traceHeadersOf(event) })),
      },
      (traces) =>
        this.commit(
          store,
          {
            batch,
            changed: rows.changed(),
            events: decisions.flatMap((decision) => decision.events),
            commands: decisions.flatMap((decision) => decision.commands),
          },
          traces,
        ),
    );
  }

  /**
   * Where a run of decisions is traced. The batch's trace keeps the batch-level story only: runs
   * that take a batch-level event (requested, cancel or retry requested) or end the batch. Any
   * other run (a domain's result releasing the next, a timer) is a span of whatever it works for
   * (the consumer's span of the events, or a trace of its own for a timer run), linked to the
   * batch's trace. Each new attempt it dispatches starts a trace of its own (AttemptTraces).
   */
  private async inDecisionSpan(
    name: string,
    batchHeaders: Record<string, string>,
    run: {
      batchLevel: boolean;
      attributes: Record<string, string | number>;
      triggers: { event: BatchEvent; headers: Record<string, string> }[];
    },
    fn: (traces: AttemptTraces) => Promise<void>,
  ): Promise<void> {
    const batchContext = extractTraceContext(batchHeaders);
    const batchSpan = validSpanContext(batchContext);
    const links: Link[] = [];
    if (run.batchLevel) {
      // The events that brought the run, where they come from another trace (a cancel's request).
      for (const { headers } of run.triggers.slice(0, MAX_TRIGGER_LINKS)) {
        const linked = validSpanContext(extractTraceContext(headers));
        if (linked && linked.traceId !== batchSpan?.traceId) links.push({ context: linked });
      }
    } else if (batchSpan) {
      links.push({ context: batchSpan, attributes: { [TrawlAttribute.linkTo]: 'batch' } });
    }
    await inSpan(
      name,
      { attributes: run.attributes, links, ...(run.batchLevel ? { parent: batchContext } : {}) },
      async (span) => {
        const traces = new AttemptTraces(span, run.batchLevel ? undefined : batchSpan, run.triggers);
        try {
          await fn(traces);
        } catch (error) {
          traces.end(error);
          throw error;
        }
        traces.end();
      },
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
      const decision = decide({ batch: stored.batch, domains }, input, now, this.settings);
      await this.inDecisionSpan(
        'scheduler timers',
        stored.traceHeaders,
        {
          batchLevel: decision.batch.finished,
          attributes: { [TrawlAttribute.batchId]: batchId, 'trawl.due_domains': domains.length },
          triggers: [],
        },
        (traces) => this.commit(store, decision, traces),
      );
    });
  }

  private async commit(store: BatchFlowStore, decision: FlowDecision, traces: AttemptTraces): Promise<void> {
    // The log learns of each dispatch before any scraper can report on it. Should the commands or
    // the commit fail after the events went out, the read-back of domain.queued sends the command
    // again (the decider's adoptLoggedAttempt), so no attempt is left without one.
    await this.send(decision.events, traces);
    await this.send(decision.commands, traces);
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

  private async send(messages: AnyMessage[], traces: AttemptTraces): Promise<void> {
    if (messages.length > 0) await this.publisher.publish(messages, { parentOf: (message) => traces.of(message) });
  }

  async batchesWithDueTimers(now: Date, limit: number): Promise<string[]> {
    await ensureInitialized(this.dataSource);
    return new BatchFlowStore(this.dataSource.manager).batchesWithDueTimers(now, limit);
  }
}

/** Runs with these events are part of the batch's own trace. */
const BATCH_LEVEL_EVENTS = new Set<BatchEvent['type']>([
  'batch.requested',
  'batch.cancel-requested',
  'batch.retry-requested',
]);
/** The most links a batch-level run's span has to the events that brought it. */
const MAX_TRIGGER_LINKS = 32;

function validSpanContext(ctx: Context): SpanContext | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** `domain#attempt` of a message about one attempt of a domain. */
function attemptOf(message: AnyMessage): { domain: string; attempt: number } | undefined {
  const data = message.data as { domain?: unknown; attempt?: unknown };
  return typeof data.domain === 'string' && typeof data.attempt === 'number'
    ? { domain: data.domain, attempt: data.attempt }
    : undefined;
}
const keyOf = (attempt: { domain: string; attempt: number }) => `${attempt.domain}#${attempt.attempt}`;

/**
 * The trace each message of a run of decisions is sent in. A message about an attempt that one
 * of the run's events came from stays in that event's trace (a command re-sent for a domain.queued
 * read back, say). A new attempt's domain.queued and domain.scrape start a trace of their own: a
 * root span `dispatch` (trawl.batch.id, trawl.domain, trawl.attempt) linked to the batch's trace
 * and, when the run is not in it, to the run's span. Anything else goes in the run's span.
 */
class AttemptTraces {
  private readonly known = new Map<string, Context>();
  private readonly dispatches = new Map<string, { span: Span; context: Context }>();

  constructor(
    private readonly run: Span,
    /** Set when the run is not in the batch's trace: new attempts link to both. */
    private readonly batch: SpanContext | undefined,
    triggers: { event: BatchEvent; headers: Record<string, string> }[],
  ) {
    for (const { event, headers } of triggers) {
      const attempt = attemptOf(event);
      const ctx = extractTraceContext(headers);
      if (attempt && validSpanContext(ctx)) this.known.set(keyOf(attempt), ctx);
    }
  }

  of(message: AnyMessage): Context | undefined {
    const attempt = attemptOf(message);
    if (!attempt) return undefined;
    const key = keyOf(attempt);
    const known = this.known.get(key);
    if (known) return known;
    if (message.type !== 'domain.queued' && message.type !== 'domain.scrape') return undefined;
    let dispatch = this.dispatches.get(key);
    if (!dispatch) {
      const links: Link[] = [
        {
          context: this.run.spanContext(),
          attributes: { [TrawlAttribute.linkTo]: this.batch ? 'decision' : 'batch' },
        },
      ];
      if (this.batch) links.unshift({ context: this.batch, attributes: { [TrawlAttribute.linkTo]: 'batch' } });
      const span = tracer().startSpan('dispatch', {
        root: true,
        links,
        attributes: {
          [TrawlAttribute.batchId]: message.batch_id,
          [TrawlAttribute.tenant]: message.tenant,
          [TrawlAttribute.domain]: attempt.domain,
          [TrawlAttribute.attempt]: attempt.attempt,
        },
      });
      dispatch = { span, context: trace.setSpan(context.active(), span) };
      this.dispatches.set(key, dispatch);
    }
    return dispatch.context;
  }

  /** Ends the dispatch spans, as failed if the run's messages could not all be sent or stored. */
  end(error?: unknown): void {
    for (const { span } of this.dispatches.values()) {
      if (error !== undefined) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      span.end();
    }
    this.dispatches.clear();
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
