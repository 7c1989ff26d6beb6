import { Inject, Injectable } from '@nestjs/common';
import { context } from '@opentelemetry/api';
import { type DataSource } from 'typeorm';
import { type AnyMessage, type BatchEvent, type MessageOf } from '@trawl/contracts';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { MessagePublisher, NonRetryableError } from '@trawl/messaging';
import { DATA_SOURCE, ensureInitialized, markProcessed } from '@trawl/persistence';
import { extractTraceContext, inSpan, injectTraceHeaders, LOG, type Log, TrawlAttribute } from '@trawl/telemetry';
import { decide, type FlowDecision, type FlowInput, rowsFor } from './batch-flow.decider';
import { type AttemptPolicy, type FlowSettings, newFlowBatch } from './batch-flow.state';
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
    };
    this.policy = { maxAttempts: config.SCHEDULER_MAX_ATTEMPTS, maxDeliveries: config.SCHEDULER_MAX_DELIVERIES };
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
      const input: FlowInput = { kind: 'event', event };
      const domains = await store.load(batch.batchId, rowsFor(batch, input, now));
      await this.commit(store, decide({ batch, domains }, input, now, this.settings));
    });
  }

  private async store(store: BatchFlowStore, event: MessageOf<'batch.requested'>): Promise<void> {
    await store.insert(newFlowBatch(event, this.policy), event.data.domains, injectTraceHeaders());
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
          dispatched: commands.map((c) => `${c.data.domain}#${c.data.attempt}`),
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
