import { type KafkaMessage } from 'kafkajs';
import { MessageHeader, topicName } from '@trawl/contracts';
import { createKafka, ensureTopics, MessagePublisher } from '@trawl/messaging';
import { createLogger, silenceKafkajsTimeoutWarning } from '@trawl/telemetry';
import { eventually } from '../../../test/support/eventually';
import { stackEnv, uniqueName } from '../../../test/support/stack-env';
import { runCli } from './cli';
import { type CliOutput } from './cli-output';

jest.setTimeout(90_000);
silenceKafkajsTimeoutWarning();

const log = createLogger('dlq-int-spec', 'silent');
const prefix = `${uniqueName('trawl_dlq')}.`;
const env = { KAFKA_BROKERS: stackEnv().KAFKA_BROKERS, TRAWL_TOPIC_PREFIX: prefix };
const kafka = createKafka({ brokers: env.KAFKA_BROKERS.split(','), clientId: uniqueName('dlq-int'), log });
const deadLetterTopic = topicName(prefix, 'deadLetter');
const sourceTopic = topicName(prefix, 'batchEvents');

function capture(): CliOutput & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

async function cli(...argv: string[]) {
  const output = capture();
  const code = await runCli(argv, env, output);
  return { code, ...output };
}

/** Everything on a topic (waits until at least `count` arrived, then a moment for any extra). */
async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader'), maxWaitTimeInMs: 100 });
  const received: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void received.push(message)) });
    await eventually(() => expect(received.length).toBeGreaterThanOrEqual(count), { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect();
  }
  return received;
}

const deadLetter = (type: string, batchId: string, at: string) => ({
  key: batchId,
  value: JSON.stringify({ id: `${type}-${batchId}`, type, batch_id: batchId }),
  headers: {
    [MessageHeader.type]: type,
    [MessageHeader.deadLetterReason]: `rejected: ${type} could not be applied`,
    [MessageHeader.deadLetterSourceTopic]: sourceTopic,
    [MessageHeader.deadLetterSourcePartition]: '0',
    [MessageHeader.deadLetterSourceOffset]: '5',
    [MessageHeader.deadLetterConsumer]: `${prefix}aggregator`,
    [MessageHeader.deadLetterAt]: at,
  },
});

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, {
      prefix,
      partitions: 1,
      eventsRetentionMs: 3_600_000,
      commandsRetentionMs: 3_600_000,
      messageMaxBytes: 1024 * 1024,
    });
  } finally {
    await admin.disconnect();
  }
  const publisher = new MessagePublisher(kafka, prefix, log);
  try {
    await publisher.publishRaw(deadLetterTopic, [
      deadLetter('domain.scraped', '11111111-1111-4111-8111-111111111111', '2026-12-01T10:00:00.000Z'),
      deadLetter('batch.requested', '22222222-2222-4222-8222-222222222222', '2026-12-01T11:00:00.000Z'),
    ]);
  } finally {
    await publisher.disconnect();
  }
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  const ours = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
  await admin.deleteTopics({ topics: ours }).catch(() => undefined);
  await admin.disconnect();
});

describe('trawl dlq on a real Kafka', () => {
  it('lists dead letters with their reason, source and batch, filtered', async () => {
    const all = await cli('dlq', 'list', '--json');
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout[0]!)).toEqual([
      expect.objectContaining({
        id: '0:0',
        type: 'domain.scraped',
        state: 'pending',
        reason: expect.stringMatching(/could not be applied/),
      }),
      expect.objectContaining({ id: '0:1', type: 'batch.requested', source: `${sourceTopic}:0:5` }),
    ]);
    const filtered = await cli('dlq', 'list', '--json', '--type', 'batch.requested');
    expect(JSON.parse(filtered.stdout[0]!)).toEqual([expect.objectContaining({ id: '0:1' })]);
  });

  it('shows one dead letter whole', async () => {
    const shown = await cli('dlq', 'show', '0:1', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout[0]!)).toMatchObject({
      id: '0:1',
      key: '22222222-2222-4222-8222-222222222222',
      value: { type: 'batch.requested' },
      headers: { [MessageHeader.deadLetterSourceTopic]: sourceTopic },
    });
    expect(await cli('dlq', 'show', '0:99')).toMatchObject({
      code: 1,
      stderr: [expect.stringMatching(/no dead letter 0:99/)],
    });
  });

  it('redrives to the source topic once, with the original key and a redrive count, however often it is asked', async () => {
    const first = await cli('dlq', 'redrive', '0:0', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout[0]!)).toEqual({ redriven: ['0:0'], skipped: [] });
    const again = await cli('dlq', 'redrive', '--type', 'domain.scraped', '--json');
    expect(JSON.parse(again.stdout[0]!)).toEqual({ redriven: [], skipped: ['0:0'] });

    const [back, ...extra] = await readTopic(sourceTopic, 1);
    expect(extra).toEqual([]);
    expect(back!.key?.toString()).toBe('11111111-1111-4111-8111-111111111111');
    expect(back!.headers?.[MessageHeader.redriveCount]?.toString()).toBe('1');
    expect(back!.headers?.[MessageHeader.deadLetterReason]).toBeUndefined();
    const listed = await cli('dlq', 'list', '--json');
    const states = (JSON.parse(listed.stdout[0]!) as { state: string }[]).map((letter) => letter.state);
    expect(states).toEqual(['redriven', 'pending']);
  });

  it('refuses to redrive everything unless asked to', async () => {
    expect(await cli('dlq', 'redrive')).toMatchObject({ code: 1, stderr: [expect.stringMatching(/--all/)] });
  });
});
