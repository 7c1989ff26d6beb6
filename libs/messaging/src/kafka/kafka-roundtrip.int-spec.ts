import { randomBytes, randomUUID } from 'node:crypto';
import { type Admin, ConfigResourceTypes, type Kafka, type KafkaMessage } from 'kafkajs';
import {
  type AnyMessage,
  createMessage,
  decodeMessage,
  MessageHeader,
  type MessageOf,
  topicName,
  type TopicRole,
  TopicBase,
} from '@trawl/contracts';
import { createLogger, silenceKafkajsTimeoutWarning } from '@trawl/telemetry';
import { eventually } from '../../../../test/support/eventually';
import { stackEnv, uniqueName } from '../../../../test/support/stack-env';
import { isInfrastructureError, MessageTooLargeError, NonRetryableError } from '../errors';
import { type DeliveryInfo, MessageConsumer } from '../consumer/message-consumer';
import { MessagePublisher } from '../publisher/message-publisher';
import { createKafka } from './kafka-client';
import { ensureTopics, type TopicSettings } from './topic-provisioner';

jest.setTimeout(60_000);
silenceKafkajsTimeoutWarning();

const log = createLogger('kafka-int-spec', 'silent');
const brokers = stackEnv().KAFKA_BROKERS.split(',');
const HOUR = 3_600_000;

function settingsFor(prefix: string, partitions: number): TopicSettings {
  return {
    prefix,
    partitions,
    eventsRetentionMs: 48 * HOUR,
    commandsRetentionMs: 6 * HOUR,
    messageMaxBytes: 2 * 1024 * 1024,
  };
}

function batchRequested(domains: string[]): MessageOf<'batch.requested'> {
  return createMessage({
    type: 'batch.requested',
    tenant: 'int-spec',
    batchId: randomUUID(),
    data: {
      domains,
      max_pages: 3,
      max_concurrent_jobs: 2,
      metadata: { source: 'kafka-roundtrip', nested: { n: 1 } },
      requested_at: new Date().toISOString(),
      trace_id: null,
      idempotency_key: null,
    },
  });
}

function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}

/** Everything needed to run one isolated test on the shared broker, and to remove it afterwards. */
class Scope {
  readonly prefix = `${uniqueName('trawl_int')}.`;
  readonly kafka: Kafka = createKafka({ brokers, clientId: uniqueName('int-spec'), log });
  readonly admin: Admin = this.kafka.admin();
  private readonly groups: string[] = [];
  private readonly cleanups: Array<() => Promise<unknown>> = [];

  topic(role: TopicRole): string {
    return topicName(this.prefix, role);
  }

  group(label: string): string {
    const id = uniqueName(`${this.prefix}${label}`);
    this.groups.push(id);
    return id;
  }

  onCleanup(fn: () => Promise<unknown>): void {
    this.cleanups.push(fn);
  }

  /** Reads `count` messages of a topic from the beginning with a plain kafkajs consumer. */
  async read(topic: string, count: number): Promise<KafkaMessage[]> {
    // A short fetch wait: disconnect() waits for the fetch in flight.
    const consumer = this.kafka.consumer({ groupId: this.group('reader'), maxWaitTimeInMs: 100 });
    const received: KafkaMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message);
          return Promise.resolve();
        },
      });
      await eventually(() => expect(received.length).toBeGreaterThanOrEqual(count), { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    expect(received).toHaveLength(count);
    return received;
  }

  async close(): Promise<void> {
    for (const fn of this.cleanups.reverse()) await fn().catch(() => undefined);
    await this.admin.connect().catch(() => undefined);
    if (this.groups.length) await this.admin.deleteGroups(this.groups).catch(() => undefined);
    const ours = (await this.admin.listTopics()).filter((name) => name.startsWith(this.prefix));
    if (ours.length) await this.admin.deleteTopics({ topics: ours, timeout: 10_000 }).catch(() => undefined);
    await this.admin.disconnect();
  }
}

describe('Kafka round trip through the project’s own producer and topic provisioning', () => {
  const scope = new Scope();
  const settings = settingsFor(scope.prefix, 3);

  beforeAll(async () => {
    await scope.admin.connect();
    await ensureTopics(scope.admin, settings);
  });

  afterAll(() => scope.close());

  it('creates every topic with the configured partitions, retention and size limit (idempotently)', async () => {
    // A second call from another service is harmless, and finds nothing different.
    expect(await ensureTopics(scope.admin, settings)).toEqual([]);
    const roles = Object.keys(TopicBase) as TopicRole[];
    const names = roles.map((role) => scope.topic(role));
    const metadata = await scope.admin.fetchTopicMetadata({ topics: names });
    for (const name of names) {
      const topic = metadata.topics.find((t) => t.name === name);
      expect(topic?.partitions).toHaveLength(3);
    }
    const described = await scope.admin.describeConfigs({
      includeSynonyms: false,
      resources: names.map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['retention.ms', 'max.message.bytes', 'cleanup.policy'],
      })),
    });
    const config = (name: string) =>
      Object.fromEntries(
        described.resources
          .find((r) => r.resourceName === name)!
          .configEntries.map((entry) => [entry.configName, entry.configValue]),
      );
    expect(config(scope.topic('batchEvents'))).toEqual({
      'retention.ms': String(48 * HOUR),
      'max.message.bytes': String(2 * 1024 * 1024),
      'cleanup.policy': 'delete',
    });
    expect(config(scope.topic('domainCommands'))['retention.ms']).toBe(String(6 * HOUR));
    expect(config(scope.topic('deadLetter'))['retention.ms']).toBe(String(48 * HOUR));
  });

  it('reports, and leaves alone, existing topics whose partitions or retention differ from the configuration', async () => {
    const drift = await ensureTopics(scope.admin, { ...settings, partitions: 6, eventsRetentionMs: 72 * HOUR });
    expect(drift.map(({ topic, setting, configured, actual }) => ({ topic, setting, configured, actual }))).toEqual([
      { topic: scope.topic('batchEvents'), setting: 'partitions', configured: '6', actual: '3' },
      {
        topic: scope.topic('batchEvents'),
        setting: 'retention.ms',
        configured: String(72 * HOUR),
        actual: String(48 * HOUR),
      },
      { topic: scope.topic('domainCommands'), setting: 'partitions', configured: '6', actual: '3' },
      { topic: scope.topic('deadLetter'), setting: 'partitions', configured: '6', actual: '3' },
      {
        topic: scope.topic('deadLetter'),
        setting: 'retention.ms',
        configured: String(72 * HOUR),
        actual: String(48 * HOUR),
      },
    ]);
    const metadata = await scope.admin.fetchTopicMetadata({ topics: [scope.topic('batchEvents')] });
    expect(metadata.topics[0]!.partitions).toHaveLength(3);
  });

  it('publishes batch.requested envelopes that a plain consumer reads back intact, keyed by batch id', async () => {
    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log);
    scope.onCleanup(() => publisher.disconnect());
    const sent = [
      batchRequested(['example.com']),
      batchRequested(['example.org', 'example.net']),
      batchRequested(['a.test', 'b.test', 'c.test']),
    ];
    await publisher.publish(sent);
    expect(publisher.isConnected).toBe(true);

    const received = await scope.read(scope.topic('batchEvents'), sent.length);
    const byId = new Map(received.map((raw) => [decodeMessage(raw.value).id, raw]));
    for (const message of sent) {
      const raw = byId.get(message.id);
      expect(raw).toBeDefined();
      expect(decodeMessage(raw!.value)).toEqual(message);
      expect(raw!.key?.toString()).toBe(message.batch_id);
      expect(header(raw!, MessageHeader.type)).toBe('batch.requested');
      expect(header(raw!, MessageHeader.version)).toBe('1');
    }
    // Nothing leaked onto the other topics.
    const offsets = await scope.admin.fetchTopicOffsets(scope.topic('domainCommands'));
    expect(offsets.every((p) => p.high === '0')).toBe(true);
  });
});

describe('MessagePublisher: messages over the size limit', () => {
  const scope = new Scope();

  beforeAll(async () => {
    await scope.admin.connect();
    await ensureTopics(scope.admin, settingsFor(scope.prefix, 1)); // topics allow 2 MiB
  });

  afterAll(() => scope.close());

  /** batch.requested whose metadata is `bytes` of incompressible text. */
  const oversized = (bytes: number) => {
    const message = batchRequested(['big.test']);
    message.data.metadata = { blob: randomBytes(bytes).toString('base64') };
    return message;
  };

  it('refuses a message over its own limit before sending it, as not retryable', async () => {
    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log, { maxMessageBytes: 1024 * 1024 });
    scope.onCleanup(() => publisher.disconnect());
    const error = await publisher.publish([oversized(1024 * 1024)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect(isInfrastructureError(error)).toBe(false);
    const offsets = await scope.admin.fetchTopicOffsets(scope.topic('batchEvents'));
    expect(offsets.every((p) => p.high === '0')).toBe(true);
  });

  it("turns the broker's MESSAGE_TOO_LARGE into a not retryable error, never a wait for Kafka", async () => {
    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log, { maxMessageBytes: 16 * 1024 * 1024 });
    scope.onCleanup(() => publisher.disconnect());
    const error = await publisher.publish([oversized(4 * 1024 * 1024)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(isInfrastructureError(error)).toBe(false);
  });
});

describe('MessageConsumer: dead letters and commit-after-handling', () => {
  const scope = new Scope();

  beforeAll(async () => {
    await scope.admin.connect();
    // One partition: the order of the three messages below is the order they are handled in.
    await ensureTopics(scope.admin, settingsFor(scope.prefix, 1));
  });

  afterAll(() => scope.close());

  it('dead-letters a rejected and an undecodable message with the reason, moves on, and commits after handling', async () => {
    const topic = scope.topic('batchEvents');
    const groupId = scope.group('consumer');
    const rejected = batchRequested(['rejected.test']);
    const accepted = batchRequested(['accepted.test']);
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x01]);

    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log);
    scope.onCleanup(() => publisher.disconnect());
    await publisher.publish([rejected]);
    await publisher.publishRaw(topic, [{ key: 'garbage', value: garbage }]);
    await publisher.publish([accepted]);

    const committed = async (): Promise<number> => {
      const [entry] = await scope.admin.fetchOffsets({ groupId, topics: [topic] });
      return Number(entry?.partitions.find((p) => p.partition === 0)?.offset ?? '-1');
    };

    let releaseAccepted!: () => void;
    const acceptedMayFinish = new Promise<void>((resolve) => (releaseAccepted = resolve));
    const calls: Array<{ id: string; delivery: DeliveryInfo }> = [];
    const handled: string[] = [];

    const consumer = new MessageConsumer(scope.kafka, publisher, scope.prefix, log, {
      name: 'int-spec',
      groupId,
      topics: ['batchEvents'],
      types: ['batch.requested'],
      concurrency: 1,
      partitionsConsumedConcurrently: 1,
      maxAttempts: 3,
      handle: async (message: AnyMessage, delivery: DeliveryInfo) => {
        calls.push({ id: message.id, delivery });
        if (message.id === rejected.id) throw new NonRetryableError('no such tenant');
        await acceptedMayFinish;
        handled.push(message.id);
      },
    });
    scope.onCleanup(() => consumer.stop());
    await consumer.start();

    // The accepted message reached its handler: the two before it were dealt with, not retried.
    await eventually(() => expect(calls.map((c) => c.id)).toEqual([rejected.id, accepted.id]), { timeoutMs: 30_000 });
    expect(calls[1]!.delivery).toEqual({ topic, partition: 0, offset: '2' });
    expect(consumer.isReady).toBe(true);
    // While its handler runs, its offset is not committed (at most the ones before it are).
    expect(await committed()).toBeLessThanOrEqual(2);
    expect(handled).toEqual([]);

    releaseAccepted();
    await eventually(() => expect(handled).toEqual([accepted.id]));
    // After the handler finished, the group's position moves past all three messages.
    await eventually(async () => expect(await committed()).toBe(3), { timeoutMs: 30_000 });

    const dead = await scope.read(scope.topic('deadLetter'), 2);
    const [first, second] = dead;
    expect(decodeMessage(first!.value)).toEqual(rejected);
    expect(first!.key?.toString()).toBe(rejected.batch_id);
    expect(header(first!, MessageHeader.deadLetterReason)).toBe('rejected: NonRetryableError: no such tenant');
    expect(header(first!, MessageHeader.deadLetterSourceTopic)).toBe(topic);
    expect(header(first!, MessageHeader.deadLetterSourceOffset)).toBe('0');
    expect(header(first!, MessageHeader.deadLetterConsumer)).toBe(groupId);
    expect(header(first!, MessageHeader.type)).toBe('batch.requested'); // original headers kept

    expect(second!.value).toEqual(garbage);
    expect(second!.key?.toString()).toBe('garbage');
    expect(header(second!, MessageHeader.deadLetterReason)).toMatch(/^undecodable: not JSON/);
    expect(header(second!, MessageHeader.deadLetterSourceOffset)).toBe('1');
  });
});

describe('MessageConsumer: a batch handler for in-order consumers', () => {
  const scope = new Scope();

  beforeAll(async () => {
    await scope.admin.connect();
    await ensureTopics(scope.admin, settingsFor(scope.prefix, 1));
  });

  afterAll(() => scope.close());

  it('hands runs of a fetch over together, in order; a run it cannot take goes message by message, the bad one alone to dead letters', async () => {
    const topic = scope.topic('batchEvents');
    const groupId = scope.group('batched');
    const messages = Array.from({ length: 40 }, (_, i) => batchRequested([`d${i}.test`]));
    const poison = messages[25]!;
    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log);
    scope.onCleanup(() => publisher.disconnect());
    await publisher.publish(messages.slice(0, 10));
    await publisher.publishRaw(topic, [{ key: 'garbage', value: Buffer.from('not json') }]);
    await publisher.publish(messages.slice(10));

    const runs: string[][] = [];
    const handled: string[] = [];
    const consumer = new MessageConsumer(scope.kafka, publisher, scope.prefix, log, {
      name: 'int-spec-batched',
      groupId,
      topics: ['batchEvents'],
      types: ['batch.requested'],
      concurrency: 1,
      partitionsConsumedConcurrently: 1,
      maxAttempts: 2,
      handleBatch: (delivered) => {
        const ids = delivered.map(({ message }) => message.id);
        runs.push(ids);
        if (ids.includes(poison.id)) return Promise.reject(new Error('one of these cannot be stored'));
        handled.push(...ids);
        return Promise.resolve();
      },
      handle: (message) => {
        if (message.id === poison.id) return Promise.reject(new NonRetryableError('cannot be stored'));
        handled.push(message.id);
        return Promise.resolve();
      },
    });
    scope.onCleanup(() => consumer.stop());
    await consumer.start();

    const expected = messages.filter((m) => m !== poison).map((m) => m.id);
    await eventually(() => expect(handled).toEqual(expected), { timeoutMs: 30_000 });
    // Runs never span the undecodable message, and at least one held several messages.
    expect(runs.some((run) => run.length > 1)).toBe(true);
    for (const run of runs) expect(run.includes(messages[9]!.id) && run.includes(messages[10]!.id)).toBe(false);
    const [dead] = await scope
      .read(scope.topic('deadLetter'), 2)
      .then((letters) => letters.filter((letter) => letter.key?.toString() !== 'garbage'));
    expect(decodeMessage(dead!.value).id).toBe(poison.id);
    await eventually(
      async () => {
        const [entry] = await scope.admin.fetchOffsets({ groupId, topics: [topic] });
        expect(entry?.partitions[0]?.offset).toBe('41');
      },
      { timeoutMs: 30_000 },
    );
  });
});

describe('MessageConsumer: typed by the messages it takes', () => {
  const scope = new Scope();

  beforeAll(async () => {
    await scope.admin.connect();
    await ensureTopics(scope.admin, settingsFor(scope.prefix, 1));
  });

  afterAll(() => scope.close());

  it('delivers only its types; another type on the same topic is acknowledged and skipped, not dead-lettered', async () => {
    const topic = scope.topic('batchEvents');
    const groupId = scope.group('typed');
    const before = batchRequested(['before.test']);
    const started = createMessage({
      type: 'batch.started',
      tenant: 'int-spec',
      batchId: before.batch_id,
      data: { started_at: new Date().toISOString(), max_attempts: 3 },
    });
    const after = batchRequested(['after.test']);
    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log);
    scope.onCleanup(() => publisher.disconnect());
    await publisher.publish([before, started, after]);

    const handled: string[] = [];
    const consumer = new MessageConsumer(scope.kafka, publisher, scope.prefix, log, {
      name: 'int-spec-typed',
      groupId,
      topics: ['batchEvents'],
      types: ['batch.started'],
      concurrency: 1,
      partitionsConsumedConcurrently: 1,
      maxAttempts: 2,
      // Typed by `types`: the payload of batch.started, no narrowing.
      handle: (message) => {
        handled.push(`${message.type} ${message.data.max_attempts}`);
        return Promise.resolve();
      },
    });
    scope.onCleanup(() => consumer.stop());
    await consumer.start();

    await eventually(
      async () => {
        const [entry] = await scope.admin.fetchOffsets({ groupId, topics: [topic] });
        expect(entry?.partitions[0]?.offset).toBe('3');
      },
      { timeoutMs: 30_000 },
    );
    expect(handled).toEqual(['batch.started 3']);
    const dead = await scope.admin.fetchTopicOffsets(scope.topic('deadLetter'));
    expect(dead.every((p) => p.high === '0')).toBe(true);
  });
});

describe('MessageConsumer: concurrent, pipelined (long, independent work)', () => {
  const scope = new Scope();

  beforeAll(async () => {
    await scope.admin.connect();
    await ensureTopics(scope.admin, settingsFor(scope.prefix, 1));
  });

  afterAll(() => scope.close());

  /** A handler whose work on chosen messages runs until released (or fails, as a crawl cut short by a stop). */
  function controlledWork() {
    const handled: string[] = [];
    const held = new Map<string, { release: () => void; abort: () => void }>();
    const hold = (id: string) =>
      new Promise<void>((resolve, reject) =>
        held.set(id, { release: resolve, abort: () => reject(new Error('stopped mid-work')) }),
      );
    return { handled, held, hold };
  }

  it('takes later messages in and handles them while an earlier one still runs, committing only past finished work', async () => {
    const topic = scope.topic('batchEvents');
    const groupId = scope.group('pipelined');
    const committed = async (): Promise<string | undefined> => {
      const [entry] = await scope.admin.fetchOffsets({ groupId, topics: [topic] });
      return entry?.partitions.find((p) => p.partition === 0)?.offset;
    };
    const publisher = new MessagePublisher(scope.kafka, scope.prefix, log);
    scope.onCleanup(() => publisher.disconnect());
    const slow = batchRequested(['slow.test']);
    const later = [batchRequested(['b.test']), batchRequested(['c.test'])];
    const work = controlledWork();
    const newConsumer = () =>
      new MessageConsumer(scope.kafka, publisher, scope.prefix, log, {
        name: 'int-spec-pipelined',
        groupId,
        topics: ['batchEvents'],
        types: ['batch.requested'],
        concurrency: 4,
        partitionsConsumedConcurrently: 1,
        maxAttempts: 2,
        handle: async (message) => {
          if (message.data.domains[0]!.startsWith('slow')) await work.hold(message.id);
          work.handled.push(message.id);
        },
      });

    await publisher.publish([slow]);
    const first = newConsumer();
    scope.onCleanup(() => first.stop());
    await first.start();
    await eventually(() => expect(work.held.has(slow.id)).toBe(true), { timeoutMs: 30_000 });
    // Published after the slow one was fetched: with a fetch handled to its end they would wait for it.
    await publisher.publish(later);
    await eventually(() => expect(work.handled).toEqual(later.map((m) => m.id)), { timeoutMs: 30_000 });
    expect((await committed()) ?? '-1').not.toMatch(/^[1-9]/);

    work.held.get(slow.id)!.release();
    await eventually(async () => expect(await committed()).toBe('3'), { timeoutMs: 30_000 });

    // A stop while work runs: what was cut short, and what finished after it, come again.
    const cut = batchRequested(['slow-cut.test']);
    const after = batchRequested(['after.test']);
    await publisher.publish([cut, after]);
    await eventually(() => expect(work.handled).toContain(after.id), { timeoutMs: 30_000 });
    const stopping = first.stop();
    work.held.get(cut.id)!.abort();
    await stopping;
    expect(await committed()).toBe('3');

    work.handled.length = 0;
    work.held.clear();
    const second = newConsumer();
    scope.onCleanup(() => second.stop());
    await second.start();
    await eventually(() => expect(work.held.has(cut.id)).toBe(true), { timeoutMs: 30_000 });
    work.held.get(cut.id)!.release();
    await eventually(() => expect(work.handled).toEqual(expect.arrayContaining([cut.id, after.id])), {
      timeoutMs: 30_000,
    });
    await eventually(async () => expect(await committed()).toBe('5'), { timeoutMs: 30_000 });
  });
});
