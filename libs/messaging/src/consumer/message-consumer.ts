import { setTimeout as sleep } from 'node:timers/promises';
import { type Consumer, type Kafka } from 'kafkajs';
import { type MessageType, topicName, type TopicRole } from '@trawl/contracts';
import { type Log } from '@trawl/telemetry';
import { type MessagePublisher } from '../publisher/message-publisher';
import { DeadLetterer } from './dead-letter';
import { decodeFor } from './decoding';
import { type BatchHandler, type MessageHandler } from './delivery';
import { takeOverGroupMembership } from './group-takeover';
import { MessageProcessor } from './message-processor';
import { pauseAfterFetchMs } from './gather-pause';
import { PartitionRunner } from './partition-runner';
import { PipelinedIntake } from './pipelined-intake';

export { type BatchHandler, type Delivered, type DeliveryInfo, type MessageHandler } from './delivery';

export interface ConsumerOptions<T extends MessageType = MessageType> {
  /** Names the consumer in logs, metrics and dead letters. */
  name: string;
  groupId: string;
  topics: TopicRole[];
  /** Only these types reach the handler; others on the same topics are acknowledged and skipped. */
  types: readonly T[];
  handle: MessageHandler<T>;
  /**
   * With concurrency 1: consecutive wanted messages of a fetch go to this at once (at most
   * maxBatch), offsets resolved after it; on a failure other than a dependency being down they
   * go to `handle` one by one (so retries and dead letters stay per message).
   */
  handleBatch?: BatchHandler<T>;
  /** The most messages one handleBatch call gets (default 500). */
  maxBatch?: number;
  /**
   * Types whose messages, when a run is handled together, also get a `process` span each in their
   * own trace, linked to the run's span (default: every type). Fewer spans for bookkeeping events.
   */
  traceEach?: readonly MessageType[];
  /**
   * 1: each partition in order, a fetch handled to its end before the next (scheduler,
   * aggregator). More: independent work (crawls), taken in while earlier work still runs
   * (PipelinedIntake), at most this many messages in hand across partitions, each key's in order.
   */
  concurrency: number;
  partitionsConsumedConcurrently: number;
  /**
   * With concurrency 1: once a fetch that caught up with its partition is handled, the next fetch
   * waits this long, so events gather into one run for handleBatch (default 0: fetch again at once).
   * See pauseAfterFetchMs.
   */
  gatherPauseMs?: number;
  maxAttempts: number;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  /** This process's stable Kafka client id: members of the group left by its previous run are removed before it joins. */
  takeOverAs?: string;
}

const HEARTBEAT_EVERY_MS = 3_000;
/** How long a graceful stop waits for pipelined work in hand (its handlers are told to stop first). */
const SETTLE_ON_STOP_MS = 10_000;
const DEFAULT_MAX_BATCH = 500;

/**
 * A Kafka consumer that commits a message's offset only after its handler finished, heartbeats
 * while long handlers run (kafkajs#1396), retries failures with backoff, waits out a dependency
 * that is down, and sends what can never succeed to the dead-letter topic with the reason.
 *
 * This class is the kafkajs consumer's lifecycle (join, crash and restart, stop, readiness); the
 * work is composed of: PartitionRunner (in-order consumers: each fetch of a partition, its order,
 * heartbeats, offsets) or PipelinedIntake (concurrent ones: records taken in while work runs,
 * offsets committed over each partition's done prefix), MessageProcessor (each record or run: decoding, tracing, retries), retry-policy (what a failure
 * means), DeadLetterer (the dead letter and its headers).
 */
export class MessageConsumer<T extends MessageType = MessageType> {
  private consumer: Consumer | undefined;
  private stopping = false;
  private joined = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly runner: PartitionRunner<T>;
  private readonly processor: MessageProcessor<T>;
  /** With concurrency > 1: the intake of the running kafkajs consumer (a new one per start). */
  private intake: PipelinedIntake | undefined;

  constructor(
    private readonly kafka: Kafka,
    publisher: MessagePublisher,
    private readonly topicPrefix: string,
    private readonly log: Log,
    private readonly options: ConsumerOptions<T>,
  ) {
    const isStopping = () => this.stopping;
    const deadLetters = new DeadLetterer(
      publisher,
      topicName(topicPrefix, 'deadLetter'),
      options.name,
      options.groupId,
      log,
      isStopping,
    );
    const processor = (this.processor = new MessageProcessor<T>(
      {
        name: options.name,
        groupId: options.groupId,
        types: options.types,
        handle: options.handle,
        ...(options.handleBatch ? { handleBatch: options.handleBatch } : {}),
        ...(options.traceEach ? { traceEach: options.traceEach } : {}),
        maxAttempts: options.maxAttempts,
      },
      deadLetters,
      log,
      isStopping,
    ));
    this.runner = new PartitionRunner<T>(
      {
        wanted: (raw) => {
          const decoded = decodeFor(raw, options.types);
          return decoded.kind === 'wanted' ? decoded.message : undefined;
        },
        process: (topic, partition, raw) => processor.process(topic, partition, raw),
        processRun: (run) => processor.processRun(run),
      },
      {
        name: options.name,
        batched: options.handleBatch !== undefined,
        maxBatch: options.maxBatch ?? DEFAULT_MAX_BATCH,
        heartbeatEveryMs: HEARTBEAT_EVERY_MS,
        isStopping,
      },
      log,
    );
  }

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
    const intake = this.options.concurrency > 1 ? this.pipelinedIntake(consumer) : undefined;
    this.intake = intake;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      intake?.assigned(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => ({ topic, partition })),
        ),
      );
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
    if (intake) {
      // The intake commits, each partition's done prefix; kafkajs's resolved offsets are only its
      // fetch position here, so kafkajs must never commit them.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
        eachBatch: (payload) => intake.take(payload),
      });
      return;
    }
    await consumer.run({
      autoCommit: true,
      // Commit soon after the work, in small groups.
      autoCommitInterval: 1000,
      autoCommitThreshold: 20,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        await this.runner.run(payload);
        const pauseMs = pauseAfterFetchMs(payload.batch, this.options.gatherPauseMs ?? 0, this.stopping);
        if (pauseMs > 0) await sleep(pauseMs);
      },
    });
  }

  private pipelinedIntake(consumer: Consumer): PipelinedIntake {
    return new PipelinedIntake(
      {
        process: (topic, partition, raw) => this.processor.process(topic, partition, raw),
        commit: (offsets) => consumer.commitOffsets(offsets),
        failed: () => this.scheduleRestart(),
      },
      {
        name: this.options.name,
        limit: this.options.concurrency,
        heartbeatEveryMs: HEARTBEAT_EVERY_MS,
        isStopping: () => this.stopping,
      },
      this.log,
    );
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
    await this.intake?.settle(SETTLE_ON_STOP_MS);
    await this.consumer?.disconnect().catch(() => undefined);
    this.joined = false;
  }
}
