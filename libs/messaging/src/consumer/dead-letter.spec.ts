import { type KafkaMessage, type Message } from 'kafkajs';
import { MessageHeader } from '@trawl/contracts';
import { createLogger } from '@trawl/telemetry';
import { type MessagePublisher } from '../publisher/message-publisher';
import { DEAD_LETTER_REASON_MAX, deadLetterRecord, DeadLetterer } from './dead-letter';

const log = createLogger('dead-letter-spec', 'silent');

function raw(offset: string, headers: KafkaMessage['headers'] = {}): KafkaMessage {
  return {
    key: Buffer.from('batch-1'),
    value: Buffer.from('{"not":"valid"}'),
    offset,
    timestamp: '0',
    attributes: 0,
    headers,
  };
}

describe('deadLetterRecord', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const source = { topic: 'trawl.batch-events', partition: 4, groupId: 'trawl.aggregator' };

  it('keeps the key, value and original headers, and says why, from where, by whom and when', () => {
    const record = deadLetterRecord(
      raw('17', { [MessageHeader.type]: Buffer.from('batch.requested'), traceparent: '00-abc-def-01' }),
      source,
      'rejected: NonRetryableError: no such tenant',
      now,
    );
    expect(record.key).toEqual(Buffer.from('batch-1'));
    expect(record.value).toEqual(Buffer.from('{"not":"valid"}'));
    expect(record.headers).toEqual({
      [MessageHeader.type]: Buffer.from('batch.requested'),
      traceparent: '00-abc-def-01',
      [MessageHeader.deadLetterReason]: 'rejected: NonRetryableError: no such tenant',
      [MessageHeader.deadLetterSourceTopic]: 'trawl.batch-events',
      [MessageHeader.deadLetterSourcePartition]: '4',
      [MessageHeader.deadLetterSourceOffset]: '17',
      [MessageHeader.deadLetterConsumer]: 'trawl.aggregator',
      [MessageHeader.deadLetterAt]: '2026-12-01T12:00:00.000Z',
    });
  });

  it('cuts a long reason, and replaces dead-letter headers the message already had (a redriven one)', () => {
    const old = { [MessageHeader.deadLetterReason]: 'the first time', [MessageHeader.deadLetterSourceOffset]: '3' };
    const record = deadLetterRecord(raw('9', old), source, 'x'.repeat(10_000), now);
    expect(record.headers![MessageHeader.deadLetterReason]).toBe('x'.repeat(DEAD_LETTER_REASON_MAX));
    expect(record.headers![MessageHeader.deadLetterSourceOffset]).toBe('9');
  });
});

describe('DeadLetterer', () => {
  function publisherFailing(times: number) {
    const sent: Array<{ topic: string; messages: Message[] }> = [];
    let failures = 0;
    const publisher = {
      publishRaw: (topic: string, messages: Message[]) => {
        if (failures < times) {
          failures += 1;
          return Promise.reject(Object.assign(new Error('leader not available'), { name: 'KafkaJSProtocolError' }));
        }
        sent.push({ topic, messages });
        return Promise.resolve();
      },
    } as unknown as MessagePublisher;
    return { publisher, sent };
  }

  it('publishes the dead letter to the dead-letter topic', async () => {
    const { publisher, sent } = publisherFailing(0);
    const letters = new DeadLetterer(publisher, 'p.dead-letter', 'spec', 'p.group', log, () => false);
    await letters.send('p.batch-events', 0, raw('5'), 'undecodable: not JSON');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe('p.dead-letter');
    expect(sent[0]!.messages[0]!.headers![MessageHeader.deadLetterReason]).toBe('undecodable: not JSON');
    expect(sent[0]!.messages[0]!.headers![MessageHeader.deadLetterConsumer]).toBe('p.group');
  });

  it('keeps trying until Kafka takes it', async () => {
    const { publisher, sent } = publisherFailing(1);
    const letters = new DeadLetterer(publisher, 'p.dead-letter', 'spec', 'p.group', log, () => false);
    await letters.send('p.batch-events', 0, raw('5'), 'rejected');
    expect(sent).toHaveLength(1);
  });

  it('gives up while the consumer stops (the message stays uncommitted)', async () => {
    const { publisher, sent } = publisherFailing(1);
    const letters = new DeadLetterer(publisher, 'p.dead-letter', 'spec', 'p.group', log, () => true);
    await expect(letters.send('p.batch-events', 0, raw('5'), 'rejected')).rejects.toThrow('leader not available');
    expect(sent).toHaveLength(0);
  });
});
