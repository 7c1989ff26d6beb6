import { context, SpanKind, type SpanContext, trace } from '@opentelemetry/api';
import { type Consumer, type EachBatchPayload, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';
import {
  type AnyMessage,
  decodeMessage,
  DecodeError,
  MessageHeader,
  type MessageType,
  topicName,
  type TopicRole,
} from '@trawl/contracts';
import {
  consumerLag,
  deadLetters,
  dependencyWaits,
  extractTraceContext,
  handlerSeconds,
  inSpan,
  type Log,
  messagesConsumed,
  tracer,
  TrawlAttribute,
} from '@trawl/telemetry';
import { dependencyFailure, errorSummary, NonRetryableError } from '../errors';
import { type MessagePublisher } from '../publisher/message-publisher';
import { takeOverGroupMembership } from './group-takeover';

export interface DeliveryInfo {
  topic: string;
  partition: number;
  offset: string;
}

export type MessageHandler = (message: AnyMessage, delivery: DeliveryInfo) => Promise<void>;

/** A decoded message with where it came from. */
export interface Delivered {
  message: AnyMessage;
  delivery: DeliveryInfo;
  /** Its trace context (W3C headers), for work done on its behalf inside a batch's span. */
  traceHeaders: Record<string, string>;
}

export type BatchHandler = (messages: readonly Delivered[]) => Promise<void>;

export interface ConsumerOptions {
  /** Names the consumer in logs, metrics and dead letters. */
  name: string;
  groupId: string;
  topics: TopicRole[];
  /** Only these types reach the handler; others on the same topics are acknowledged and skipped. */
  types: readonly MessageType[];
  handle: MessageHandler;
  /**
   * With concurrency 1: consecutive wanted messages of a fetch go to this at once (at most
   * maxBatch), offsets resolved after it; on a failure other than a dependency being down they
   * go to `handle` one by one (so retries and dead letters stay per message).
   */
  handleBatch?: BatchHandler;
  /** The most messages one handleBatch call gets (default 500). */
  maxBatch?: number;
  /**
   * Types whose messages, when a run is handled together, also get a `process` span each in their
   * own trace, linked to the run's span (default: every type). Fewer spans for bookkeeping events.
   */
  traceEach?: readonly MessageType[];
  /**
   * Messages of one partition handled at once. 1 keeps the partition's order (scheduler,
   * aggregator); more suits independent work (scraper), with messages of one key still in order.
   */
  concurrency: number;
  partitionsConsumedConcurrently: number;
  maxAttempts: number;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  /** This process's stable Kafka client id: members of the group left by its previous run are removed before it joins. */
  takeOverAs?: string;
}

type Outcome = 'ok' | 'skipped' | 'dead_lettered' | 'stopped';

const HEARTBEAT_EVERY_MS = 3_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

function backoffMs(attempt: number): number {
  const base = Math.min(30_000, 200 * 2 ** Math.min(attempt, 10));
  return base / 2 + Math.random() * (base / 2);
}

/**
 * A Kafka consumer that commits a message's offset only after its handler finished, heartbeats
 * while long handlers run (kafkajs#1396), retries failures with backoff, waits out a dependency
 * that is down, and sends what can never succeed to the dead-letter topic with the reason.
 */
export class MessageConsumer {
  private consumer: Consumer | undefined;
  private stopping = false;
  private joined = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: MessagePublisher,
    private readonly topicPrefix: string,
    private readonly log: Log,
    private readonly options: ConsumerOptions,
  ) {}

  get isReady(): boolean {
    return this.joined && !this.stopping;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: HEARTBEAT_EVERY_MS,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.consumer = consumer;
    if (this.options.takeOverAs) {
      await takeOverGroupMembership(this.kafka, this.options.groupId, this.options.takeOverAs, this.log).catch(
        (error: unknown) =>
          this.log.warn(
            { consumer: this.options.name, err: error },
            'could not remove stale group members; joining anyway',
          ),
      );
    }
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.log.info({ consumer: this.options.name, assignment: payload.memberAssignment }, 'joined consumer group');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      this.log.error({ consumer: this.options.name, err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !this.stopping) this.scheduleRestart();
    });
    consumer.on(consumer.events.STOP, () => {
      this.joined = false;
    });
    await consumer.connect();
    await consumer.subscribe({
      topics: this.options.topics.map((role) => topicName(this.topicPrefix, role)),
      fromBeginning: true,
    });
    await consumer.run({
      autoCommit: true,
      // Commit soon after the work: every offset for long work (crawls), in small groups otherwise.
      autoCommitInterval: 1000,
      autoCommitThreshold: this.options.concurrency > 1 ? 1 : 20,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private scheduleRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void (async () => {
        await this.consumer?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        this.log.warn({ consumer: this.options.name }, 'restarting consumer');
        await this.start().catch((error: unknown) => {
          this.log.error({ consumer: this.options.name, err: error }, 'consumer restart failed; trying again');
          this.scheduleRestart();
        });
      })();
    }, 5_000);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.consumer?.disconnect().catch(() => undefined);
    this.joined = false;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const beat = setInterval(() => {
      payload
        .heartbeat()
        .catch((error: unknown) =>
          this.log.warn({ consumer: this.options.name, err: error }, 'heartbeat failed (a rebalance is under way)'),
        );
    }, HEARTBEAT_EVERY_MS);
    const keepGoing = () => payload.isRunning() && !payload.isStale() && !this.stopping;
    try {
      if (this.options.concurrency <= 1 && this.options.handleBatch) await this.inChunks(payload, keepGoing);
      else if (this.options.concurrency <= 1) await this.inOrder(payload, keepGoing);
      else await this.concurrently(payload, keepGoing);
      const { batch } = payload;
      if (keepGoing() && !batch.isEmpty()) {
        consumerLag.set(
          { consumer: this.options.name, topic: batch.topic, partition: String(batch.partition) },
          Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
        );
      }
    } finally {
      clearInterval(beat);
    }
  }

  private async inOrder(payload: EachBatchPayload, keepGoing: () => boolean): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      if (!keepGoing()) return;
      const outcome = await this.process(batch.topic, batch.partition, message);
      if (outcome === 'stopped') return;
      payload.resolveOffset(message.offset);
      await payload.commitOffsetsIfNecessary();
    }
  }

  /**
   * In order, with runs of consecutive wanted messages handed to handleBatch together. Anything
   * else (undecodable, other types) goes through `process` alone, between runs, so offsets are
   * still resolved strictly in order.
   */
  private async inChunks(payload: EachBatchPayload, keepGoing: () => boolean): Promise<void> {
    const { batch } = payload;
    let run: { delivered: Delivered; raw: KafkaMessage }[] = [];
    const flush = async (): Promise<boolean> => {
      if (run.length === 0) return true;
      const chunk = run;
      run = [];
      const outcome = await this.processChunk(chunk);
      if (outcome === 'stopped') return false;
      payload.resolveOffset(chunk[chunk.length - 1]!.raw.offset);
      await payload.commitOffsetsIfNecessary();
      return true;
    };
    for (const raw of batch.messages) {
      if (!keepGoing()) return;
      const message = this.wanted(raw);
      if (message) {
        run.push({
          delivered: {
            message,
            delivery: { topic: batch.topic, partition: batch.partition, offset: raw.offset },
            traceHeaders: headerStrings(raw.headers),
          },
          raw,
        });
        if (run.length >= (this.options.maxBatch ?? 500) && !(await flush())) return;
        continue;
      }
      if (!(await flush())) return;
      const outcome = await this.process(batch.topic, batch.partition, raw);
      if (outcome === 'stopped') return;
      payload.resolveOffset(raw.offset);
      await payload.commitOffsetsIfNecessary();
    }
    if (keepGoing()) await flush();
  }

  /** The decoded message if the handler wants it; undefined for what `process` must handle alone. */
  private wanted(raw: KafkaMessage): AnyMessage | undefined {
    try {
      const message = decodeMessage(raw.value);
      return this.options.types.includes(message.type) ? message : undefined;
    } catch (error) {
      if (error instanceof DecodeError) return undefined;
      throw error;
    }
  }

  /** One run through handleBatch (waiting out dependencies), or message by message if it cannot be done at once. */
  private async processChunk(chunk: { delivered: Delivered; raw: KafkaMessage }[]): Promise<Outcome> {
    const { name, handleBatch } = this.options;
    if (chunk.length > 1 && handleBatch) {
      const first = chunk[0]!.delivered.delivery;
      const links = chunk.slice(0, 128).map(({ raw }) => ({
        context: trace.getSpanContext(extractTraceContext(headerStrings(raw.headers))),
      }));
      const fields = {
        consumer: name,
        topic: first.topic,
        partition: first.partition,
        from_offset: first.offset,
        messages: chunk.length,
      };
      for (let waits = 0; ; waits += 1) {
        try {
          const stopTimer = handlerSeconds.startTimer({ consumer: name, type: 'batch' });
          await inSpan(
            `process ${first.topic}`,
            {
              kind: SpanKind.CONSUMER,
              links: links.flatMap((link) => (link.context ? [{ context: link.context }] : [])),
              attributes: {
                'messaging.system': 'kafka',
                'messaging.operation.type': 'process',
                'messaging.operation.name': 'process',
                'messaging.destination.name': first.topic,
                'messaging.destination.partition.id': String(first.partition),
                'messaging.consumer.group.name': this.options.groupId,
                'messaging.batch.message_count': chunk.length,
              },
            },
            async (span) => {
              const startTime = new Date();
              await handleBatch(chunk.map(({ delivered }) => delivered));
              this.traceEachOf(chunk, span.spanContext(), startTime);
            },
          );
          stopTimer();
          for (const { delivered } of chunk) {
            messagesConsumed.inc({ consumer: name, type: delivered.message.type, outcome: 'ok' });
          }
          return 'ok';
        } catch (error) {
          if (this.stopping) {
            this.log.warn({ ...fields, err: error }, 'stopping: messages left uncommitted for redelivery');
            return 'stopped';
          }
          const dependency = dependencyFailure(error);
          if (dependency === undefined) {
            this.log.warn(
              { ...fields, err: error },
              'messages could not be handled together; handling them one by one',
            );
            break;
          }
          const wait = backoffMs(Math.min(waits + 1, 7));
          this.log.warn(
            { ...fields, err: error, dependency, retry_in_ms: Math.round(wait) },
            'a dependency is unavailable; retrying',
          );
          dependencyWaits.inc({ consumer: name, dependency });
          await sleep(wait);
        }
      }
    }
    for (const { delivered, raw } of chunk) {
      const outcome = await this.process(delivered.delivery.topic, delivered.delivery.partition, raw);
      if (outcome === 'stopped') return 'stopped';
    }
    return 'ok';
  }

  /**
   * After a run was handled together: a `process` span for each of its messages in the message's
   * own trace (a domain attempt's, a batch's), linked to the run's span, so each trace shows where
   * its messages were processed. They share the run's timing; the work is in the run's span.
   */
  private traceEachOf(chunk: { delivered: Delivered }[], run: SpanContext, startTime: Date): void {
    const links = trace.isSpanContextValid(run) ? [{ context: run }] : [];
    const { traceEach } = this.options;
    for (const { delivered } of chunk) {
      const { message, delivery } = delivered;
      if (traceEach && !traceEach.includes(message.type)) continue;
      tracer()
        .startSpan(
          `process ${delivery.topic}`,
          { kind: SpanKind.CONSUMER, startTime, links, attributes: this.processAttributes(message, delivery) },
          extractTraceContext(delivered.traceHeaders),
        )
        .end();
    }
  }

  private processAttributes(message: AnyMessage, delivery: DeliveryInfo): Record<string, string | number> {
    return {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': delivery.topic,
      'messaging.destination.partition.id': String(delivery.partition),
      'messaging.consumer.group.name': this.options.groupId,
      'messaging.message.id': message.id,
      'messaging.kafka.offset': Number(delivery.offset),
      [TrawlAttribute.messageType]: message.type,
      [TrawlAttribute.messageId]: message.id,
      [TrawlAttribute.batchId]: message.batch_id,
      [TrawlAttribute.tenant]: message.tenant,
    };
  }

  /** Up to `concurrency` messages at once; offsets are resolved only as a contiguous done prefix. */
  private async concurrently(payload: EachBatchPayload, keepGoing: () => boolean): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages;
    const done = new Set<number>();
    let next = 0;
    const advance = () => {
      let moved = false;
      while (next < messages.length && done.has(next)) {
        payload.resolveOffset(messages[next]!.offset);
        next += 1;
        moved = true;
      }
      if (moved) {
        payload
          .commitOffsetsIfNecessary()
          .catch((error: unknown) =>
            this.log.warn({ consumer: this.options.name, err: error }, 'offset commit failed; will retry'),
          );
      }
    };
    const running = new Set<Promise<void>>();
    const lastOfKey = new Map<string, Promise<void>>();
    for (let index = 0; index < messages.length; index += 1) {
      if (!keepGoing()) break;
      while (running.size >= this.options.concurrency) await Promise.race(running);
      const message = messages[index]!;
      const key = message.key?.toString() ?? `#${index}`;
      const previous = lastOfKey.get(key) ?? Promise.resolve();
      const task: Promise<void> = previous.then(async () => {
        const outcome = await this.process(batch.topic, batch.partition, message);
        if (outcome !== 'stopped') {
          done.add(index);
          advance();
        }
      });
      lastOfKey.set(key, task);
      running.add(task);
      void task.finally(() => running.delete(task));
    }
    await Promise.all(running);
    await payload.commitOffsetsIfNecessary().catch(() => undefined);
  }

  private async process(topic: string, partition: number, raw: KafkaMessage): Promise<Outcome> {
    const { name, types } = this.options;
    let message: AnyMessage;
    try {
      message = decodeMessage(raw.value);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      await this.deadLetter(topic, partition, raw, `undecodable: ${error.message}`);
      messagesConsumed.inc({ consumer: name, type: 'unknown', outcome: 'dead_lettered' });
      return 'dead_lettered';
    }
    if (!types.includes(message.type)) {
      messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'skipped' });
      return 'skipped';
    }
    const delivery: DeliveryInfo = { topic, partition, offset: raw.offset };
    const parent = extractTraceContext(headerStrings(raw.headers));
    return context.with(parent, () =>
      inSpan(
        `process ${topic}`,
        { kind: SpanKind.CONSUMER, attributes: this.processAttributes(message, delivery) },
        () => this.handleWithRetries(message, delivery, raw),
      ),
    );
  }

  private async handleWithRetries(message: AnyMessage, delivery: DeliveryInfo, raw: KafkaMessage): Promise<Outcome> {
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
        if (this.stopping) {
          this.log.warn({ ...fields, err: error }, 'stopping: message left uncommitted for redelivery');
          return 'stopped';
        }
        if (error instanceof NonRetryableError) {
          await this.deadLetter(delivery.topic, delivery.partition, raw, `rejected: ${errorSummary(error)}`);
          messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'dead_lettered' });
          return 'dead_lettered';
        }
        const dependency = dependencyFailure(error);
        if (dependency !== undefined) {
          const wait = backoffMs(Math.min(failures + 1, 7));
          this.log.warn(
            { ...fields, err: error, dependency, retry_in_ms: Math.round(wait) },
            'a dependency is unavailable; retrying',
          );
          messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'retried' });
          dependencyWaits.inc({ consumer: name, dependency });
          await sleep(wait);
          continue;
        }
        failures += 1;
        if (failures >= maxAttempts) {
          this.log.error({ ...fields, err: error, attempts: failures }, 'handler failed repeatedly; dead-lettering');
          await this.deadLetter(
            delivery.topic,
            delivery.partition,
            raw,
            `failed ${failures} times: ${errorSummary(error)}`,
          );
          messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'dead_lettered' });
          return 'dead_lettered';
        }
        const wait = backoffMs(failures);
        this.log.warn(
          { ...fields, err: error, attempt: failures, retry_in_ms: Math.round(wait) },
          'handler failed; retrying',
        );
        messagesConsumed.inc({ consumer: name, type: message.type, outcome: 'retried' });
        await sleep(wait);
      }
    }
  }

  /** Dead letters must not be lost either: keep trying until Kafka takes it. */
  private async deadLetter(topic: string, partition: number, raw: KafkaMessage, reason: string): Promise<void> {
    const target = topicName(this.topicPrefix, 'deadLetter');
    this.log.error(
      { consumer: this.options.name, topic, partition, offset: raw.offset, reason: reason.slice(0, 2000) },
      'dead-lettering message',
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.publisher.publishRaw(target, [
          {
            key: raw.key,
            value: raw.value,
            headers: {
              ...raw.headers,
              [MessageHeader.deadLetterReason]: reason.slice(0, 4000),
              [MessageHeader.deadLetterSourceTopic]: topic,
              [MessageHeader.deadLetterSourcePartition]: String(partition),
              [MessageHeader.deadLetterSourceOffset]: raw.offset,
              [MessageHeader.deadLetterConsumer]: this.options.groupId,
              [MessageHeader.deadLetterAt]: new Date().toISOString(),
            },
          },
        ]);
        deadLetters.inc({ consumer: this.options.name, topic });
        return;
      } catch (error) {
        if (this.stopping) throw error;
        this.log.warn({ err: error, attempt }, 'dead-letter publish failed; retrying');
        await sleep(backoffMs(Math.min(attempt, 7)));
      }
    }
  }
}
