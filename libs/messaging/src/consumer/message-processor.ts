import { context, SpanKind } from '@opentelemetry/api';
import { type KafkaMessage } from 'kafkajs';
import { type MessageType, type MessageUnion } from '@trawl/contracts';
import {
  dependencyWaits,
  extractTraceContext,
  handlerSeconds,
  inSpan,
  type Log,
  messagesConsumed,
} from '@trawl/telemetry';
import { processAttributes, runSpanOptions, traceEachOf } from './consumer-tracing';
import { type DeadLetterer } from './dead-letter';
import { decodeFor } from './decoding';
import {
  type BatchHandler,
  type Delivered,
  type DeliveryInfo,
  headerStrings,
  type MessageHandler,
  type Outcome,
} from './delivery';
import { decideAfterFailure, decideAfterRunFailure, sleep } from './retry-policy';

/** A message of a run with the record it was decoded from (for a dead letter, if it comes to that). */
export interface RunEntry<T extends MessageType = MessageType> {
  delivered: Delivered<T>;
  raw: KafkaMessage;
}

export interface ProcessorOptions<T extends MessageType> {
  name: string;
  groupId: string;
  types: readonly T[];
  handle: MessageHandler<T>;
  handleBatch?: BatchHandler<T>;
  traceEach?: readonly MessageType[];
  maxAttempts: number;
}

/**
 * What a consumer does with one record, or one run of them: decodes and validates it, skips the
 * types it does not take, runs the handler in the message's trace with retries and backoff
 * (waiting out dependencies that are down), and dead-letters what can never succeed. It never
 * resolves offsets: the partition runner does that with the outcome.
 */
export class MessageProcessor<T extends MessageType> {
  constructor(
    private readonly options: ProcessorOptions<T>,
    private readonly deadLetters: DeadLetterer,
    private readonly log: Log,
    /** A consumer that is stopping leaves a failing message uncommitted (outcome 'stopped'). */
    private readonly isStopping: () => boolean,
  ) {}

  /** One record, alone. */
  async process(topic: string, partition: number, raw: KafkaMessage): Promise<Outcome> {
    const { name, types, groupId } = this.options;
    const decoded = decodeFor(raw, types);
    if (decoded.kind === 'undecodable') {
      await this.deadLetters.send(topic, partition, raw, decoded.reason);
      messagesConsumed.inc({ consumer: name, type: 'unknown', outcome: 'dead_lettered' });
      return 'dead_lettered';
    }
    if (decoded.kind === 'other') {
      messagesConsumed.inc({ consumer: name, type: decoded.message.type, outcome: 'skipped' });
      return 'skipped';
    }
    const { message } = decoded;
    const delivery: DeliveryInfo = { topic, partition, offset: raw.offset };
    const parent = extractTraceContext(headerStrings(raw.headers));
    return context.with(parent, () =>
      inSpan(
        `process ${topic}`,
        { kind: SpanKind.CONSUMER, attributes: processAttributes(message, delivery, groupId) },
        () => this.handleWithRetries(message, delivery, raw),
      ),
    );
  }

  private async handleWithRetries(
    message: MessageUnion<T>,
    delivery: DeliveryInfo,
    raw: KafkaMessage,
  ): Promise<Outcome> {
    const { name, maxAttempts, handle } = this.options;
    const stopTimer = handlerSeconds.startTimer({ consumer: name, type: message.type });
    const fields = {
      consumer: name,
      type: message.type,
      message_id: message.id,
      batch_id: message.batch_id,
      ...delivery,
    };
    let failures = 0;
    for (;;) {
      try {
        await handle(message, delivery);
        stopTimer();
        messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'ok' });
        return 'ok';
      } catch (error) {
        if (this.isStopping()) {
          this.log.warn({ ...fields, err: error }, 'stopping: message left uncommitted for redelivery');
          return 'stopped';
        }
        const decision = decideAfterFailure(error, failures, maxAttempts);
        failures = decision.failures;
        switch (decision.action) {
          case 'dead-letter':
            if (decision.cause === 'exhausted') {
              this.log.error(
                { ...fields, err: error, attempts: failures },
                'handler failed repeatedly; dead-lettering',
              );
            }
            await this.deadLetters.send(delivery.topic, delivery.partition, raw, decision.reason);
            messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'dead_lettered' });
            return 'dead_lettered';
          case 'wait-for-dependency':
            this.log.warn(
              { ...fields, err: error, dependency: decision.dependency, retry_in_ms: Math.round(decision.waitMs) },
              'a dependency is unavailable; retrying',
            );
            messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'retried' });
            dependencyWaits.inc({ consumer: name, dependency: decision.dependency });
            await sleep(decision.waitMs);
            break;
          case 'retry':
            this.log.warn(
              { ...fields, err: error, attempt: failures, retry_in_ms: Math.round(decision.waitMs) },
              'handler failed; retrying',
            );
            messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'retried' });
            await sleep(decision.waitMs);
            break;
        }
      }
    }
  }

  /**
   * A run of consecutive wanted records of one partition: through handleBatch at once (waiting out
   * dependencies), or, if that fails otherwise or there is no batch handler or one message, each
   * through `process` alone.
   */
  async processRun(run: readonly RunEntry<T>[]): Promise<Outcome> {
    const { name, handleBatch, groupId, traceEach } = this.options;
    if (run.length > 1 && handleBatch) {
      const delivered = run.map((entry) => entry.delivered);
      const first = delivered[0]!.delivery;
      const fields = {
        consumer: name,
        topic: first.topic,
        partition: first.partition,
        from_offset: first.offset,
        messages: run.length,
      };
      const spanOptions = runSpanOptions(delivered, groupId);
      for (let waits = 0; ; waits += 1) {
        try {
          const stopTimer = handlerSeconds.startTimer({ consumer: name, type: 'batch' });
          await inSpan(`process ${first.topic}`, spanOptions, async (span) => {
            const startTime = new Date();
            await handleBatch(delivered);
            traceEachOf(delivered, span.spanContext(), startTime, groupId, traceEach);
          });
          stopTimer();
          for (const { message } of delivered) {
            messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'ok' });
          }
          return 'ok';
        } catch (error) {
          if (this.isStopping()) {
            this.log.warn({ ...fields, err: error }, 'stopping: messages left uncommitted for redelivery');
            return 'stopped';
          }
          const decision = decideAfterRunFailure(error, waits);
          if (decision.action === 'one-by-one') {
            this.log.warn(
              { ...fields, err: error },
              'messages could not be handled together; handling them one by one',
            );
            break;
          }
          this.log.warn(
            { ...fields, err: error, dependency: decision.dependency, retry_in_ms: Math.round(decision.waitMs) },
            'a dependency is unavailable; retrying',
          );
          dependencyWaits.inc({ consumer: name, dependency: decision.dependency });
          await sleep(decision.waitMs);
        }
      }
    }
    for (const { delivered, raw } of run) {
      const outcome = await this.process(delivered.delivery.topic, delivered.delivery.partition, raw);
      if (outcome === 'stopped') return 'stopped';
    }
    return 'ok';
  }
}
