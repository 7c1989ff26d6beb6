import { CompressionTypes, type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import { type AnyMessage, encodeMessage, MessageHeader, messageKey, Messages, topicName } from '@trawl/contracts';
import { type Context, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { injectTraceHeaders, type Log, messagesPublished, tracer, TrawlAttribute } from '@trawl/telemetry';
import { isTooLargeForKafka, MessageTooLargeError } from '../errors';
import { SendQueue } from './send-queue';

const COMPRESS_ABOVE_BYTES = 64 * 1024;

export interface PublishOptions {
  timeoutMs?: number;
  /**
   * The trace context a message is sent in (its producer span's parent); undefined: the active one.
   * Messages with the same context share one producer span.
   */
  parentOf?: (message: AnyMessage) => Context | undefined;
}

interface TopicRecord {
  topic: string;
  message: Message;
}

export class PublishError extends Error {
  /**
   * Set on a timeout, when the send goes on without its caller: resolves if Kafka acknowledged
   * every message after all, rejects with the send's error if it did not. Until it settles, the
   * outcome is unknown: the messages may or may not be in the log.
   */
  readonly lateOutcome: Promise<void> | undefined;

  constructor(message: string, options?: ErrorOptions & { lateOutcome?: Promise<void> }) {
    super(message, options);
    this.name = 'PublishError';
    this.lateOutcome = options?.lateOutcome;
  }
}

/**
 * Publishes envelopes with an idempotent producer (acks=all, one request in flight) and resolves
 * only once Kafka acknowledged every message. The W3C trace context goes in the headers.
 */
export class MessagePublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private readonly queue = new SendQueue<TopicRecord>(
    (records) => this.sendRecords(records),
    (record) => (record.message.value as Buffer).length,
  );

  private readonly timeoutMs: number;
  private readonly maxMessageBytes: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly topicPrefix: string,
    private readonly log: Log,
    options: { timeoutMs?: number; maxMessageBytes?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 3000 },
      });
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.producer = undefined;
      });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Connects eagerly (for readiness); publish() also connects on demand. */
  async connect(): Promise<void> {
    await this.connected();
  }

  get isConnected(): boolean {
    return this.producer !== undefined;
  }

  /**
   * Resolves once Kafka acknowledged every message; rejects with PublishError if it did not within
   * the timeout. A timeout stops the waiting, not the send: the messages may still reach the log
   * (PublishError.lateOutcome says when that is known). Messages of one call stay in order;
   * concurrent calls share requests (SendQueue). A message over the size limit rejects with
   * MessageTooLargeError (not retryable) and nothing of the call is sent.
   */
  async publish(messages: AnyMessage[], options: PublishOptions = {}): Promise<void> {
    if (messages.length === 0) return;
    // One producer span per trace the messages belong to (OpenTelemetry messaging conventions):
    // by default all in the active one; `parentOf` puts a message in another (e.g. its attempt's).
    // The messages still go to Kafka together, in order, as one send.
    const active = context.active();
    const groups = new Map<Context, AnyMessage[]>();
    for (const message of messages) {
      const parent = options.parentOf?.(message) ?? active;
      const group = groups.get(parent);
      if (group) group.push(message);
      else groups.set(parent, [message]);
    }
    const headers = new Map<AnyMessage, Record<string, string>>();
    const spans: Span[] = [];
    for (const [parent, group] of groups) {
      const span = tracer().startSpan(
        this.spanName(group),
        { kind: SpanKind.PRODUCER, attributes: this.spanAttributes(group) },
        parent,
      );
      spans.push(span);
      const traceHeaders = injectTraceHeaders(trace.setSpan(parent, span));
      for (const message of group) headers.set(message, traceHeaders);
    }
    try {
      await this.send(messages, headers, options);
    } catch (error) {
      for (const span of spans) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      }
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private spanName(messages: AnyMessage[]): string {
    const topics = new Set(messages.map((message) => topicName(this.topicPrefix, Messages[message.type].topic)));
    return topics.size === 1 ? `send ${[...topics][0]!}` : 'send';
  }

  private spanAttributes(messages: AnyMessage[]): Record<string, string | number> {
    const topics = [...new Set(messages.map((message) => topicName(this.topicPrefix, Messages[message.type].topic)))];
    const batches = new Set(messages.map((message) => message.batch_id));
    return {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topics.join(','),
      ...(messages.length === 1
        ? { 'messaging.message.id': messages[0]!.id, [TrawlAttribute.messageType]: messages[0]!.type }
        : { 'messaging.batch.message_count': messages.length }),
      ...(batches.size === 1 ? { [TrawlAttribute.batchId]: messages[0]!.batch_id } : {}),
    };
  }

  private async send(
    messages: AnyMessage[],
    traceHeaders: Map<AnyMessage, Record<string, string>>,
    options: { timeoutMs?: number },
  ): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const records: TopicRecord[] = messages.map((message) => ({
      topic: topicName(this.topicPrefix, Messages[message.type].topic),
      message: {
        key: messageKey(message),
        value: encodeMessage(message),
        headers: {
          ...traceHeaders.get(message),
          [MessageHeader.type]: message.type,
          [MessageHeader.version]: String(message.version),
        },
      },
    }));
    for (const [index, record] of records.entries()) {
      const bytes = (record.message.value as Buffer).length;
      if (bytes > this.maxMessageBytes) {
        throw new MessageTooLargeError(
          `${messages[index]!.type} ${messages[index]!.id} is ${bytes} bytes, over the ${this.maxMessageBytes}-byte message limit`,
        );
      }
    }
    let timer: NodeJS.Timeout | undefined;
    const sent = this.queue.enqueue(records);
    try {
      await Promise.race([
        sent,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new PublishError(`Kafka did not acknowledge within ${timeoutMs} ms`, { lateOutcome: sent })),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      if (error instanceof PublishError) throw error;
      if (isTooLargeForKafka(error)) {
        throw new MessageTooLargeError(`Kafka refused ${messages.length} message(s) as too large`, { cause: error });
      }
      throw new PublishError(`publishing ${messages.length} message(s) failed: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
    for (const message of messages) messagesPublished.inc({ type: message.type });
  }

  private async sendRecords(records: TopicRecord[]): Promise<void> {
    const producer = await this.connected();
    const byTopic = new Map<string, Message[]>();
    let largest = 0;
    for (const { topic, message } of records) {
      largest = Math.max(largest, (message.value as Buffer).length);
      const list = byTopic.get(topic) ?? [];
      list.push(message);
      byTopic.set(topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      timeout: this.timeoutMs,
      compression: largest > COMPRESS_ABOVE_BYTES ? CompressionTypes.GZIP : CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
    this.log.debug({ count: records.length }, 'published');
  }

  /** Sends raw records (dead letters) with the same guarantees. */
  async publishRaw(topic: string, records: Message[]): Promise<void> {
    const producer = await this.connected();
    await producer.send({ topic, acks: -1, messages: records });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}
