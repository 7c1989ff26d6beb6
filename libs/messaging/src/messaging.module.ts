import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { type Admin, type Kafka } from 'kafkajs';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { LOG, type Log } from '@trawl/telemetry';
import { type Consumes, CONSUMES_METADATA, type ConsumesOptions } from './consumer/consumes.decorator';
import { MessageConsumer } from './consumer/message-consumer';
import { createKafka } from './kafka/kafka-client';
import { ensureTopics, type TopicSettings } from './kafka/topic-provisioner';
import { MessagePublisher } from './publisher/message-publisher';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_CLIENT_ID = Symbol('KAFKA_CLIENT_ID');

export function topicSettings(config: TrawlConfig): TopicSettings {
  return {
    prefix: config.TRAWL_TOPIC_PREFIX,
    partitions: config.TRAWL_TOPIC_PARTITIONS,
    eventsRetentionMs: config.TRAWL_EVENTS_RETENTION_MS,
    commandsRetentionMs: config.TRAWL_COMMANDS_RETENTION_MS,
    messageMaxBytes: config.TRAWL_MESSAGE_MAX_BYTES,
  };
}

/** How long a readiness probe's answer about Kafka is kept. */
const LIVENESS_KEPT_MS = 1_000;

/**
 * Starts what the service needs from Kafka without blocking boot: topics, producer, and a
 * consumer per @Consumes provider. While Kafka is away it keeps retrying and readiness says so.
 */
@Injectable()
export class MessagingRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly consumers: MessageConsumer[] = [];
  private started = false;
  private stopped = false;
  private lastError: unknown;
  private liveness: { at: number; pending: boolean; result: Promise<unknown> } | undefined;
  private probeAdmin: Admin | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_CLIENT_ID) private readonly clientId: string,
    private readonly publisher: MessagePublisher,
    private readonly discovery: DiscoveryService,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {}

  private startup: Promise<void> | undefined;

  onApplicationBootstrap(): void {
    this.startup = this.startWithRetries();
  }

  private async startWithRetries(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt += 1) {
      try {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          const drift = await ensureTopics(admin, topicSettings(this.config));
          for (const difference of drift) {
            this.log.warn(difference, 'a topic differs from the configuration; it is left as it is');
          }
        } finally {
          await admin.disconnect();
        }
        await this.publisher.connect();
        if (this.stopped) break;
        for (const wrapper of this.discovery.getProviders()) {
          const options = wrapper.metatype
            ? (Reflect.getMetadata(CONSUMES_METADATA, wrapper.metatype) as ConsumesOptions | undefined)
            : undefined;
          if (!options || !wrapper.instance) continue;
          const handler = wrapper.instance as Consumes;
          const consumer = new MessageConsumer(this.kafka, this.publisher, this.config.TRAWL_TOPIC_PREFIX, this.log, {
            name: options.group,
            groupId: `${this.config.TRAWL_TOPIC_PREFIX}${options.group}`,
            topics: options.topics,
            types: options.types,
            handle: (message, delivery) => handler.handle(message, delivery),
            ...(handler.handleBatch
              ? {
                  handleBatch: (messages) => handler.handleBatch!(messages),
                  maxBatch: this.config.TRAWL_CONSUMER_MAX_BATCH,
                  ...(options.traceEach ? { traceEach: options.traceEach } : {}),
                }
              : {}),
            concurrency:
              typeof options.concurrency === 'function' ? options.concurrency(this.config) : (options.concurrency ?? 1),
            ...(options.gatherPauseMs ? { gatherPauseMs: options.gatherPauseMs(this.config) } : {}),
            partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
            maxAttempts: this.config.TRAWL_CONSUMER_MAX_ATTEMPTS,
            sessionTimeoutMs: options.sessionTimeoutMs ?? this.config.KAFKA_SESSION_TIMEOUT_MS,
            ...(this.config.TRAWL_INSTANCE_ID ? { takeOverAs: this.clientId } : {}),
            ...(options.rebalanceTimeoutMs ? { rebalanceTimeoutMs: options.rebalanceTimeoutMs(this.config) } : {}),
          });
          this.consumers.push(consumer);
          await consumer.start();
          if (this.stopped) break;
        }
        if (this.stopped) break;
        this.started = true;
        this.lastError = undefined;
        return;
      } catch (error) {
        this.lastError = error;
        await Promise.all(this.consumers.splice(0).map((consumer) => consumer.stop()));
        const wait = Math.min(10_000, 500 * attempt);
        this.log.warn({ err: error, retry_in_ms: wait }, 'Kafka not available yet; retrying');
        for (let waited = 0; waited < wait && !this.stopped; waited += 200) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    }
  }

  /**
   * Ready when topics exist, the producer is connected, every consumer joined its group, and Kafka
   * answers now (a cluster description: a service whose brokers died after it started is not
   * ready). The detail is plain words; the error, if any, is the cause (for the log only).
   */
  async readiness(): Promise<{ ready: boolean; detail: string; cause?: unknown }> {
    if (!this.started) {
      return this.lastError === undefined
        ? { ready: false, detail: 'connecting' }
        : { ready: false, detail: 'not connected', cause: this.lastError };
    }
    const waiting = this.consumers.filter((consumer) => !consumer.isReady).length;
    if (waiting > 0) return { ready: false, detail: `${waiting} consumer(s) not in their group yet` };
    const failure = await this.kafkaAnswers();
    return failure === undefined
      ? { ready: true, detail: 'ok' }
      : { ready: false, detail: 'not answering', cause: failure };
  }

  /**
   * Whether Kafka answers: one probe at a time, its answer kept for a second, so that probes from
   * load balancers and orchestrators add no load of their own. The probe's admin client does not
   * retry (the answer is wanted now) and is dropped after a failure, so that the next one connects afresh.
   */
  private kafkaAnswers(): Promise<unknown> {
    const fresh = this.liveness && (this.liveness.pending || Date.now() - this.liveness.at < LIVENESS_KEPT_MS);
    if (fresh) return this.liveness!.result;
    const probe = { at: Date.now(), pending: true, result: Promise.resolve<unknown>(undefined) };
    probe.result = this.describeCluster().then(
      () => {
        probe.pending = false;
        return undefined;
      },
      async (error: unknown) => {
        const admin = this.probeAdmin;
        this.probeAdmin = undefined;
        await admin?.disconnect().catch(() => undefined);
        probe.pending = false;
        return error ?? new Error('Kafka did not answer');
      },
    );
    this.liveness = probe;
    return probe.result;
  }

  private async describeCluster(): Promise<void> {
    this.probeAdmin ??= this.kafka.admin({ retry: { retries: 0 } });
    await this.probeAdmin.connect();
    await this.probeAdmin.describeCluster();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.startup;
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.probeAdmin?.disconnect().catch(() => undefined);
    await this.publisher.disconnect();
  }
}

/** The Kafka client id: the service's, plus its instance id when it has one (stable across restarts). */
export function kafkaClientId(service: string, config: TrawlConfig): string {
  return config.TRAWL_INSTANCE_ID ? `${service}.${config.TRAWL_INSTANCE_ID}` : service;
}

@Module({})
export class MessagingModule {
  static forRoot(options: { clientId: string }): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        {
          provide: KAFKA_CLIENT_ID,
          inject: [TRAWL_CONFIG],
          useFactory: (config: TrawlConfig) => kafkaClientId(options.clientId, config),
        },
        {
          provide: KAFKA,
          inject: [TRAWL_CONFIG, LOG],
          useFactory: (config: TrawlConfig, log: Log) =>
            createKafka({ brokers: config.KAFKA_BROKERS, clientId: kafkaClientId(options.clientId, config), log }),
        },
        {
          provide: MessagePublisher,
          inject: [KAFKA, TRAWL_CONFIG, LOG],
          useFactory: (kafka: Kafka, config: TrawlConfig, log: Log) =>
            new MessagePublisher(kafka, config.TRAWL_TOPIC_PREFIX, log, {
              timeoutMs: config.TRAWL_PUBLISH_TIMEOUT_MS,
              maxMessageBytes: config.TRAWL_MESSAGE_MAX_BYTES,
            }),
        },
        MessagingRuntime,
      ],
      exports: [KAFKA, MessagePublisher, MessagingRuntime],
    };
  }
}
