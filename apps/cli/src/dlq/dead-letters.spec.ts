import { MessageHeader } from '@trawl/contracts';
import { type DeadLetterRecord, matches, readDeadLetters, redriveRecord, redrivenMarker } from './dead-letters';

const record = (
  offset: number,
  headers: Record<string, string>,
  body: unknown = { batch_id: 'b1' },
): DeadLetterRecord => ({
  partition: 0,
  offset: String(offset),
  key: Buffer.from('k'),
  value: Buffer.from(JSON.stringify(body)),
  headers,
});

const deadLetter = (offset: number, type: string, at: string, extra: Record<string, string> = {}) =>
  record(offset, {
    [MessageHeader.type]: type,
    [MessageHeader.deadLetterReason]: 'rejected: boom',
    [MessageHeader.deadLetterSourceTopic]: 't.batch-events',
    [MessageHeader.deadLetterSourcePartition]: '2',
    [MessageHeader.deadLetterSourceOffset]: '17',
    [MessageHeader.deadLetterConsumer]: 't.aggregator',
    [MessageHeader.deadLetterAt]: at,
    traceparent: '00-abc-def-01',
    ...extra,
  });

describe('the dead-letter topic, read', () => {
  const first = deadLetter(0, 'domain.scraped', '2026-12-01T10:00:00.000Z');
  const second = deadLetter(1, 'batch.requested', '2026-12-01T11:00:00.000Z', { [MessageHeader.redriveCount]: '2' });
  const letters = readDeadLetters([
    first,
    second,
    { ...redrivenMarker(readDeadLetters([first])[0]!), partition: 0, offset: '2' },
  ]);

  it('gives each dead letter with its source, reason and batch, and leaves markers out', () => {
    expect(letters.map((letter) => letter.id)).toEqual(['0:0', '0:1']);
    expect(letters[0]).toMatchObject({
      type: 'domain.scraped',
      batchId: 'b1',
      sourceTopic: 't.batch-events',
      sourcePartition: 2,
      sourceOffset: '17',
      consumer: 't.aggregator',
      reason: 'rejected: boom',
      redriveCount: 0,
    });
  });

  it('marks a dead letter redriven once a marker names it', () => {
    expect(letters.map((letter) => letter.redriven)).toEqual([true, false]);
  });

  it('filters by type, batch and time', () => {
    expect(letters.filter((letter) => matches(letter, { type: 'batch.requested' })).map((l) => l.id)).toEqual(['0:1']);
    expect(letters.filter((letter) => matches(letter, { since: '2026-12-01T10:30:00.000Z' })).map((l) => l.id)).toEqual(
      ['0:1'],
    );
    expect(letters.filter((letter) => matches(letter, { batchId: 'other' }))).toEqual([]);
  });

  it('puts a letter back with its key, body and own headers, without the dead-letter ones, counting the redrive', () => {
    const back = redriveRecord(letters[1]!);
    expect(back.topic).toBe('t.batch-events');
    expect(back.key).toEqual(Buffer.from('k'));
    expect(back.headers).toEqual({
      [MessageHeader.type]: 'batch.requested',
      traceparent: '00-abc-def-01',
      [MessageHeader.redriveCount]: '3',
    });
  });
});
