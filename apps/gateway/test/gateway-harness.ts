import { type NestExpressApplication } from '@nestjs/platform-express';
import { Kafka, logLevel } from 'kafkajs';
import { type DataSource } from 'typeorm';
import { loadTrawlConfig, type TrawlConfig } from '@trawl/config';
import { type AnyMessage, decodeMessage, topicName } from '@trawl/contracts';
import { createDataSource } from '@trawl/persistence';
import { createLogger, silenceKafkajsTimeoutWarning } from '@trawl/telemetry';
import { createApiKey } from '@trawl/persistence';
import { eventually } from '../../../test/support/eventually';
import { stackEnv, uniqueName } from '../../../test/support/stack-env';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database';
import { createGatewayApp } from '../src/gateway.app';

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * The gateway in-process on a free port, against the real Postgres (a fresh database) and the
 * real Kafka (a topic prefix of its own), plus direct access to both for arranging and checking.
 */
export class GatewayHarness {
  private constructor(
    readonly app: NestExpressApplication,
    readonly baseUrl: string,
    readonly config: TrawlConfig,
    readonly db: TestDatabase,
    readonly sql: DataSource,
  ) {}

  /**
   * Waits until the gateway is ready (or only its Kafka side, or nothing): MessagingRuntime
   * connects its producer in the background, and closing the app before that finished leaves
   * the producer connected (and Jest waiting on it).
   */
  static async start(
    label: string,
    env: Record<string, string> = {},
    options: { waitFor?: 'ready' | 'kafka' | 'nothing' } = {},
  ): Promise<GatewayHarness> {
    silenceKafkajsTimeoutWarning();
    const db = await createTestDatabase(label);
    const config = loadTrawlConfig({
      ...stackEnv(),
      DATABASE_URL: db.url,
      TRAWL_TOPIC_PREFIX: `${uniqueName(label)}.`,
      TRAWL_TOPIC_PARTITIONS: '2',
      OTEL_SDK_DISABLED: 'true',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    });
    const app = await createGatewayApp(config, createLogger('gateway', config.LOG_LEVEL));
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const sql = createDataSource(db.url, { poolSize: 2, applicationName: 'trawl-test' });
    await sql.initialize();
    const harness = new GatewayHarness(app, `http://127.0.0.1:${port}`, config, db, sql);
    const waitFor = options.waitFor ?? 'ready';
    if (waitFor === 'ready') await harness.waitUntilReady();
    if (waitFor === 'kafka') await harness.waitUntilReady('kafka');
    return harness;
  }

  /** A key made by the same code as `trawl keys create`. */
  async keyFor(tenant: string): Promise<string> {
    return (await createApiKey(this.sql, tenant)).key;
  }

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body ?? null });
    const text = await response.text();
    let parsed: unknown = text;
    if (response.headers.get('content-type')?.includes('json')) parsed = text ? JSON.parse(text) : undefined;
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  async waitUntilReady(check?: string): Promise<void> {
    await eventually(
      async () => {
        const answer = await this.request<{ checks: { name: string; ready: boolean }[] }>('GET', '/health/ready');
        const ready = check ? answer.body.checks.find((c) => c.name === check)?.ready === true : answer.status === 200;
        if (!ready) throw new Error(`gateway not ready: ${JSON.stringify(answer.body)}`);
      },
      { timeoutMs: 60_000 },
    );
  }

  /** Reads the batch-events topic from the beginning, decoding every message. */
  async watchBatchEvents(): Promise<EventWatcher> {
    return EventWatcher.start(this.config, topicName(this.config.TRAWL_TOPIC_PREFIX, 'batchEvents'));
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.sql.destroy();
    await this.db.drop();
  }
}

export class EventWatcher {
  readonly events: AnyMessage[] = [];

  private constructor(private readonly stopConsumer: () => Promise<void>) {}

  static async start(config: TrawlConfig, topic: string): Promise<EventWatcher> {
    const kafka = new Kafka({ clientId: 'gateway-test', brokers: config.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueName('gateway-test'), sessionTimeout: 10_000 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const watcher = new EventWatcher(() => consumer.disconnect());
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.run({
      eachMessage: async ({ message }) => {
        watcher.events.push(decodeMessage(message.value));
        await Promise.resolve();
      },
    });
    await eventually(
      () => {
        if (!joined) throw new Error('the test consumer has not joined its group yet');
      },
      { timeoutMs: 30_000 },
    );
    return watcher;
  }

  ofBatch(batchId: string): AnyMessage[] {
    return this.events.filter((event) => event.batch_id === batchId);
  }

  async stop(): Promise<void> {
    await this.stopConsumer();
  }
}
