import { type KafkaMessage } from 'kafkajs';
import { type AnyMessage, createMessage, encodeMessage, type MessageOf } from '@trawl/contracts';
import { createLogger } from '@trawl/telemetry';
import { NonRetryableError } from '../errors';
import { type DeadLetterer } from './dead-letter';
import { type Delivered, type DeliveryInfo } from './delivery';
import { MessageProcessor, type ProcessorOptions, type RunEntry } from './message-processor';

const log = createLogger('message-processor-spec', 'silent');
const batchId = '0b8f1c9e-8f5e-4a57-9a3e-1f2d3c4b5a69';

function requested(domain: string): MessageOf<'batch.requested'> {
  return createMessage({
    type: 'batch.requested',
    tenant: 't',
    batchId,
    data: {
      domains: [domain],
      max_pages: 3,
      max_concurrent_jobs: 2,
      metadata: {},
      requested_at: new Date().toISOString(),
      trace_id: null,
      idempotency_key: null,
    },
  });
}

function raw(offset: number, value: Buffer): KafkaMessage {
  return { key: null, value, offset: String(offset), timestamp: '0', attributes: 0, headers: {} };
}

function entry(offset: number, message: MessageOf<'batch.requested'>): RunEntry<'batch.requested'> {
  return {
    delivered: { message, delivery: { topic: 't', partition: 0, offset: String(offset) }, traceHeaders: {} },
    raw: raw(offset, encodeMessage(message)),
  };
}

function setup(overrides: Partial<ProcessorOptions<'batch.requested'>> = {}, stopping = () => false) {
  const handled: Array<{ id: string; delivery: DeliveryInfo }> = [];
  const letters: Array<{ offset: string; reason: string }> = [];
  const deadLetters = {
    send: (_topic: string, _partition: number, record: KafkaMessage, reason: string) => {
      letters.push({ offset: record.offset, reason });
      return Promise.resolve();
    },
  } as unknown as DeadLetterer;
  const processor = new MessageProcessor<'batch.requested'>(
    {
      name: 'spec',
      groupId: 'p.spec',
      types: ['batch.requested'],
      maxAttempts: 2,
      handle: (message, delivery) => {
        handled.push({ id: message.id, delivery });
        return Promise.resolve();
      },
      ...overrides,
    },
    deadLetters,
    log,
    stopping,
  );
  return { processor, handled, letters };
}

describe('MessageProcessor, one record', () => {
  it('hands a wanted message to the handler with where it came from', async () => {
    const { processor, handled, letters } = setup();
    const message = requested('a.test');
    expect(await processor.process('t', 0, raw(7, encodeMessage(message)))).toBe('ok');
    expect(handled).toEqual([{ id: message.id, delivery: { topic: 't', partition: 0, offset: '7' } }]);
    expect(letters).toEqual([]);
  });

  it('skips a message of another type on the same topic, and dead-letters an undecodable record', async () => {
    const { processor, handled, letters } = setup();
    const started = createMessage({
      type: 'batch.started',
      tenant: 't',
      batchId,
      data: { started_at: new Date().toISOString(), max_attempts: 3 },
    });
    expect(await processor.process('t', 0, raw(1, encodeMessage(started)))).toBe('skipped');
    expect(await processor.process('t', 0, raw(2, Buffer.from('{')))).toBe('dead_lettered');
    expect(handled).toEqual([]);
    expect(letters).toEqual([{ offset: '2', reason: expect.stringMatching(/^undecodable: not JSON/) as unknown }]);
  });

  it('dead-letters a rejected message at once, and one that keeps failing after maxAttempts', async () => {
    let calls = 0;
    const { processor, letters } = setup({
      handle: (message: AnyMessage) => {
        calls += 1;
        return Promise.reject(
          message.data && 'domains' in message.data && message.data.domains[0] === 'poison.test'
            ? new NonRetryableError('no such tenant')
            : new Error('flaky'),
        );
      },
    });
    expect(await processor.process('t', 0, raw(1, encodeMessage(requested('poison.test'))))).toBe('dead_lettered');
    expect(calls).toBe(1);
    expect(await processor.process('t', 0, raw(2, encodeMessage(requested('flaky.test'))))).toBe('dead_lettered');
    expect(calls).toBe(3);
    expect(letters).toEqual([
      { offset: '1', reason: 'rejected: NonRetryableError: no such tenant' },
      { offset: '2', reason: 'failed 2 times: Error: flaky' },
    ]);
  });

  it('retries a failure that then passes, and waits out a dependency without counting attempts', async () => {
    const failures = [
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      new Error('flaky'),
    ];
    const { processor, letters } = setup({
      handle: () => {
        const failure = failures.shift();
        return failure ? Promise.reject(failure) : Promise.resolve();
      },
    });
    expect(await processor.process('t', 0, raw(1, encodeMessage(requested('a.test'))))).toBe('ok');
    expect(failures).toEqual([]);
    expect(letters).toEqual([]);
  });

  it('leaves a failing message uncommitted while the consumer stops', async () => {
    const { processor, letters } = setup({ handle: () => Promise.reject(new NonRetryableError('x')) }, () => true);
    expect(await processor.process('t', 0, raw(1, encodeMessage(requested('a.test'))))).toBe('stopped');
    expect(letters).toEqual([]);
  });
});

describe('MessageProcessor, a run', () => {
  it('hands a run to the batch handler at once', async () => {
    const runs: string[][] = [];
    const { processor, handled } = setup({
      handleBatch: (delivered: readonly Delivered<'batch.requested'>[]) => {
        runs.push(delivered.map(({ message }) => message.data.domains[0]!));
        return Promise.resolve();
      },
    });
    const run = [entry(0, requested('a.test')), entry(1, requested('b.test'))];
    expect(await processor.processRun(run)).toBe('ok');
    expect(runs).toEqual([['a.test', 'b.test']]);
    expect(handled).toEqual([]);
  });

  it('hands a run of one to `handle`', async () => {
    const { processor, handled } = setup({ handleBatch: () => Promise.reject(new Error('not for one')) });
    expect(await processor.processRun([entry(0, requested('a.test'))])).toBe('ok');
    expect(handled).toHaveLength(1);
  });

  it('goes one by one when the batch handler fails, so that only the bad message is dead-lettered', async () => {
    const bad = requested('bad.test');
    const { processor, handled, letters } = setup({
      handleBatch: () => Promise.reject(new Error('one of these cannot be stored')),
      handle: (message, delivery) => {
        if (message.id === bad.id) return Promise.reject(new NonRetryableError('cannot be stored'));
        handled.push({ id: message.id, delivery });
        return Promise.resolve();
      },
    });
    const good = requested('good.test');
    expect(await processor.processRun([entry(0, bad), entry(1, good)])).toBe('ok');
    expect(handled.map(({ id }) => id)).toEqual([good.id]);
    expect(letters).toEqual([{ offset: '0', reason: 'rejected: NonRetryableError: cannot be stored' }]);
  });

  it('waits out a dependency for the whole run instead of going one by one', async () => {
    let tries = 0;
    const { processor, handled } = setup({
      handleBatch: () => {
        tries += 1;
        return tries === 1
          ? Promise.reject(Object.assign(new Error('terminating connection'), { code: '57P01' }))
          : Promise.resolve();
      },
    });
    expect(await processor.processRun([entry(0, requested('a.test')), entry(1, requested('b.test'))])).toBe('ok');
    expect(tries).toBe(2);
    expect(handled).toEqual([]);
  });

  it('leaves a failing run uncommitted while the consumer stops', async () => {
    const { processor, handled } = setup({ handleBatch: () => Promise.reject(new Error('x')) }, () => true);
    expect(await processor.processRun([entry(0, requested('a.test')), entry(1, requested('b.test'))])).toBe('stopped');
    expect(handled).toEqual([]);
  });
});
