/**
 * The two Kafka clients under comparison behind one small interface, configured alike: an
 * idempotent producer with acks=all and one request in flight (what libs/messaging does), a
 * consumer group that commits after the work (an explicit commit after each fetched batch), the
 * same fetch sizes and waits, the same group timeouts. Used by kafka-clients.bench.ts and by the
 * consumer child process it kills and restarts (consumer-child.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  compatibilityPartitioner,
  Consumer as PltConsumer,
  type Message as PltMessage,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  ProduceAcks,
  Producer as PltProducer,
  stringDeserializer,
  stringSerializer,
} from '@platformatic/kafka';
import { type Consumer as KjsConsumer, Kafka, logLevel, Partitioners, type Producer as KjsProducer } from 'kafkajs';

export const CLIENTS = ['kafkajs', 'platformatic'] as const;
export type ClientName = (typeof CLIENTS)[number];

export function isClientName(value: string): value is ClientName {
  return (CLIENTS as readonly string[]).includes(value);
}

export const CLIENT_LABEL: Record<ClientName, string> = {
  kafkajs: 'kafkajs',
  platformatic: '@platformatic/kafka',
};

/** Installed version of a package, read from its package.json (its exports map may hide it). */
export function packageVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? '?';
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '?';
    dir = parent;
  }
}

export interface ProduceRecord {
  key: Buffer;
  value: Buffer;
  headers: Record<string, string>;
}

export interface BenchProducer {
  /** Resolves once Kafka acknowledged every record (acks=all). */
  send(topic: string, records: ProduceRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface Received {
  partition: number;
  offset: bigint;
  key: Buffer | undefined;
  value: Buffer;
  headers: Record<string, string>;
}

export interface ConsumerSettings {
  brokers: string[];
  clientId: string;
  groupId: string;
  topic: string;
  /** Static membership (KIP-345); kafkajs has none, so only @platformatic/kafka uses it. */
  groupInstanceId?: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxWaitMs: number;
  /** Called with this member's partitions of the topic each time it joins the group. */
  onJoin?: (partitions: number[]) => void;
}

/**
 * A consumer group member. `handle` gets the messages of one fetch, in offset order per partition;
 * the offsets are committed after it resolves, never before.
 */
export interface BenchConsumer {
  run(handle: (batch: Received[]) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

// Fetch limits for both clients: kafkajs's defaults for a whole fetch, libs/messaging's per partition.
const MAX_BYTES = 10 * 1024 * 1024;
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;

function kafkajs(brokers: string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    logLevel: logLevel.ERROR,
  });
}

export async function createProducer(client: ClientName, brokers: string[], clientId: string): Promise<BenchProducer> {
  switch (client) {
    case 'kafkajs': {
      const producer: KjsProducer = kafkajs(brokers, clientId).producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return {
        async send(topic, records) {
          await producer.send({ topic, acks: -1, messages: records });
        },
        close: () => producer.disconnect(),
      };
    }
    case 'platformatic': {
      // idempotent: true makes the client use acks=all, one request in flight per connection and
      // unbounded retries; acks is also given explicitly. The compatibility partitioner places a key on
      // the same partition as kafkajs and the Java client (the default one does not).
      const producer = new PltProducer<Buffer, Buffer, string, string>({
        clientId,
        bootstrapBrokers: brokers,
        idempotent: true,
        acks: ProduceAcks.ALL,
        autocreateTopics: false,
        partitioner: compatibilityPartitioner,
        connectTimeout: 3000,
        requestTimeout: 30000,
        serializers: {
          key: (data?: Buffer) => data,
          value: (data?: Buffer) => data,
          headerKey: stringSerializer,
          headerValue: stringSerializer,
        },
      });
      return {
        async send(topic, records) {
          await producer.send({
            messages: records.map((record) => ({
              topic,
              key: record.key,
              value: record.value,
              headers: record.headers,
            })),
          });
        },
        close: () => producer.close(),
      };
    }
  }
}

export function createConsumer(client: ClientName, settings: ConsumerSettings): BenchConsumer {
  switch (client) {
    case 'kafkajs':
      return kafkajsConsumer(settings);
    case 'platformatic':
      return platformaticConsumer(settings);
  }
}

function kafkajsConsumer(settings: ConsumerSettings): BenchConsumer {
  const consumer: KjsConsumer = kafkajs(settings.brokers, settings.clientId).consumer({
    groupId: settings.groupId,
    sessionTimeout: settings.sessionTimeoutMs,
    rebalanceTimeout: settings.rebalanceTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    maxWaitTimeInMs: settings.maxWaitMs,
    maxBytes: MAX_BYTES,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    settings.onJoin?.(payload.memberAssignment[settings.topic] ?? []);
  });
  return {
    async run(handle) {
      await consumer.connect();
      // fromBeginning: the committed offset if the group has one, else the earliest.
      await consumer.subscribe({ topics: [settings.topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
          // kafkajs heartbeats only between batches: a handler longer than the session timeout must
          // heartbeat itself, as libs/messaging does (kafkajs#1396).
          const beat = setInterval(() => {
            payload.heartbeat().catch(() => undefined);
          }, settings.heartbeatIntervalMs);
          try {
            await handle(
              batch.messages.map((message) => ({
                partition: batch.partition,
                offset: BigInt(message.offset),
                key: message.key ?? undefined,
                value: message.value ?? Buffer.alloc(0),
                headers: Object.fromEntries(
                  Object.entries(message.headers ?? {}).map(([name, value]) => [
                    name,
                    (Array.isArray(value) ? value[0] : value)?.toString() ?? '',
                  ]),
                ),
              })),
            );
          } finally {
            clearInterval(beat);
          }
          const last = batch.messages[batch.messages.length - 1]!;
          payload.resolveOffset(last.offset); // the fetch position moves on only past resolved offsets
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
          ]);
          await payload.heartbeat();
        },
      });
    },
    close: () => consumer.disconnect(),
  };
}

/** Messages taken from the stream's buffer at most at once: one "fetched batch". */
const MAX_BATCH = 1000;

function platformaticConsumer(settings: ConsumerSettings): BenchConsumer {
  const consumer = new PltConsumer<Buffer, Buffer, string, string>({
    clientId: settings.clientId,
    bootstrapBrokers: settings.brokers,
    groupId: settings.groupId,
    ...(settings.groupInstanceId ? { groupInstanceId: settings.groupInstanceId } : {}),
    sessionTimeout: settings.sessionTimeoutMs,
    rebalanceTimeout: settings.rebalanceTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    autocommit: false,
    maxWaitTime: settings.maxWaitMs,
    maxBytes: MAX_BYTES,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
    autocreateTopics: false,
    connectTimeout: 3000,
    requestTimeout: 30000,
    deserializers: {
      key: (data?: Buffer) => data,
      value: (data?: Buffer) => data,
      headerKey: stringDeserializer,
      headerValue: stringDeserializer,
    },
  });
  consumer.on('consumer:group:join', (payload) => {
    const mine = payload.assignments?.find((assignment) => assignment.topic === settings.topic);
    settings.onJoin?.(mine?.partitions ?? []);
  });
  let stopping = false;
  return {
    async run(handle) {
      const stream = await consumer.consume({
        topics: [settings.topic],
        // The committed offset if the group has one, else the earliest: kafkajs's fromBeginning.
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      });
      let batch: PltMessage<Buffer, Buffer, string, string>[] = [];
      for await (const message of stream as AsyncIterable<PltMessage<Buffer, Buffer, string, string>>) {
        batch.push(message);
        // What the stream already holds belongs to the same fetch: take it before doing the work.
        if (stream.readableLength > 0 && batch.length < MAX_BATCH) continue;
        await handle(
          batch.map((m) => ({
            partition: m.partition,
            offset: m.offset,
            key: m.key,
            value: m.value ?? Buffer.alloc(0),
            headers: Object.fromEntries([...m.headers].map(([name, value]) => [name, value ?? ''])),
          })),
        );
        // After the work: commit the last message of each partition (one OffsetCommit request).
        const lastOfPartition = new Map<number, PltMessage<Buffer, Buffer, string, string>>();
        for (const m of batch) lastOfPartition.set(m.partition, m);
        await Promise.all(
          [...lastOfPartition.values()].map(
            (m) =>
              new Promise<void>((resolve, reject) => {
                // With a callback, commit() reports through it (its return type also allows a promise).
                void m.commit((error) => (error ? reject(error) : resolve()));
              }),
          ),
        );
        batch = [];
        if (stopping) break;
      }
    },
    async close() {
      stopping = true;
      await consumer.close(true);
    },
  };
}
