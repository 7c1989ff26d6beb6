import { Inject, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { type DataSource } from 'typeorm';
import { type AnyMessage, type BatchEvent, type MessageOf } from '@trawl/contracts';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { MessagePublisher, NonRetryableError } from '@trawl/messaging';
import { DATA_SOURCE, ensureInitialized, markProcessed } from '@trawl/persistence';
import { extractTraceContext, inSpan, injectTraceHeaders, LOG, type Log, TrawlAttribute } from '@trawl/telemetry';
import { BatchFlowDecider } from './batch-flow.decider';
import { type FlowDomain, type FlowSettings } from './batch-flow.state';
import { BatchFlowStore } from './batch-flow.store';

const CONSUMER = 'scheduler';

/**
 * The scheduler's I/O shell: loads a batch's rows under a lock, lets the decider decide, sends
 * its messages (events, then commands) and stores the new state in the same transaction as the
 * event's id. A crash between sending and committing re-runs the same decision, whose
 * deterministic message ids make the second sending a duplicate.
 */
@Injectable()
export class BatchFlowService {
  private readonly settings: FlowSettings;
  private readonly maxAttempts: number;

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
    };
    this.maxAttempts = config.SCHEDULER_MAX_ATTEMPTS;
  }

  async onEvent(event: BatchEvent): Promise<void> {
    await ensureInitialized(this.dataSource);
    await this.dataSource.transaction(async (em) => {
      if (!(await markProcessed(em, CONSUMER, event.id))) return;
      const store = new BatchFlowStore(em);
      if (event.type === 'batch.requested') await this.store(store, event);
      const stored = await store.lock(event.batch_id);
      if (!stored) throw new NonRetryableError(`no batch.requested was seen for batch ${event.batch_id}`);
      const { batch } = stored;
      if (batch.finished) return;
      const now = new Date();
      const domains = await this.loadFor(store, event, batch.nextOrdinal, batch.maxConcurrent, batch.cancelRequested);
      const decider = new BatchFlowDecider(batch, domains, this.settings);
      if (event.type === 'batch.requested') decider.start(now);
      else decider.apply(event, now);
      await this.commit(store, decider, domains.values());
    });
  }

  private async store(store: BatchFlowStore, event: MessageOf<'batch.requested'>): Promise<void> {
    const { data } = event;
    await store.insert(
      {
        batchId: event.batch_id,
        tenant: event.tenant,
        total: data.domains.length,
        maxConcurrent: data.max_concurrent_jobs,
        maxPages: data.max_pages,
        maxAttempts: this.maxAttempts,
        nextOrdinal: 0,
        inFlight: 0,
        ended: 0,
        started: false,
        cancelRequested: false,
        finished: false,
      },
      data.domains,
      injectTraceHeaders(),
    );
  }

  /** Only the rows the decision needs: the event's domain, the release window, or what a cancel stops. */
  private async loadFor(
    store: BatchFlowStore,
    event: BatchEvent,
    nextOrdinal: number,
    maxConcurrent: number,
    cancelled: boolean,
  ): Promise<Map<number, FlowDomain>> {
    const rows: FlowDomain[] = [];
    if (event.type === 'batch.cancel-requested') rows.push(...(await store.cancellable(event.batch_id)));
    else {
      if ('domain' in event.data) rows.push(...(await store.domainsNamed(event.batch_id, [event.data.domain])));
      if (!cancelled) rows.push(...(await store.window(event.batch_id, nextOrdinal, maxConcurrent)));
    }
    return new Map(rows.map((row) => [row.ordinal, row]));
  }

  /** Fires due retries and timeouts of one batch. */
  async onTimers(batchId: string, now: Date): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const store = new BatchFlowStore(em);
      const stored = await store.lock(batchId);
      if (!stored || stored.batch.finished) return;
      const domains = await store.due(batchId, now);
      if (domains.length === 0) return;
      const decider = new BatchFlowDecider(stored.batch, new Map(domains.map((d) => [d.ordinal, d])), this.settings);
      await context.with(extractTraceContext(stored.traceHeaders), () =>
        inSpan(
          'scheduler timers',
          { attributes: { [TrawlAttribute.batchId]: batchId, 'trawl.due_domains': domains.length } },
          async () => {
            decider.fireTimers(now);
            await this.commit(store, decider, domains);
          },
        ),
      );
    });
  }

  private async commit(store: BatchFlowStore, decider: BatchFlowDecider, loaded: Iterable<FlowDomain>): Promise<void> {
    // The log learns of each dispatch before any scraper can report on it.
    await this.send(decider.events);
    await this.send(decider.commands);
    const changed = [...loaded].filter((domain) => decider.changed.has(domain.ordinal));
    await store.save(decider.batch, changed);
    if (decider.commands.length > 0 || decider.batch.finished) {
      this.log.info(
        {
          batch_id: decider.batch.batchId,
          dispatched: decider.commands.map((c) => `${c.data.domain}#${c.data.attempt}`),
          in_flight: decider.batch.inFlight,
          ended: decider.batch.ended,
          total: decider.batch.total,
          finished: decider.batch.finished,
        },
        decider.batch.finished ? 'batch finished' : 'dispatched',
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
