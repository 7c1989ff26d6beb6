import { type KafkaMessage } from 'kafkajs';
import { type Log } from '@trawl/telemetry';
import { type Outcome } from './delivery';
import { type PartitionFetch } from './partition-runner';
import { PipelinedIntake, type TopicPartitionOffset } from './pipelined-intake';

/** A record's work that ends when the test says so. */
interface Pending {
  offset: string;
  key: string;
  end(outcome?: Outcome): void;
}

function record(offset: number, key: string): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from(key),
    value: Buffer.from('{}'),
    timestamp: '0',
    attributes: 0,
    headers: {},
  };
}

function fetchOf(partition: number, records: KafkaMessage[], state = { running: true, stale: false }) {
  const resolved: string[] = [];
  const payload: PartitionFetch = {
    batch: {
      topic: 't',
      partition,
      messages: records,
      highWatermark: String(Number(records.at(-1)?.offset ?? -1) + 1),
      isEmpty: () => records.length === 0,
      lastOffset: () => records.at(-1)?.offset ?? '-1',
    },
    heartbeat: () => Promise.resolve(),
    isRunning: () => state.running,
    isStale: () => state.stale,
    resolveOffset: (offset) => resolved.push(offset),
    commitOffsetsIfNecessary: () => Promise.resolve(),
  };
  return { payload, resolved, state };
}

const flushPromises = () => new Promise((resolve) => setImmediate(resolve));

function intakeWith(limit: number) {
  const pending: Pending[] = [];
  const commits: TopicPartitionOffset[][] = [];
  const failures: unknown[] = [];
  const log = { warn: jest.fn(), error: jest.fn(), info: jest.fn() } as unknown as Log;
  const intake = new PipelinedIntake(
    {
      process: (_topic, _partition, raw) =>
        new Promise<Outcome>((resolve) =>
          pending.push({ offset: raw.offset, key: raw.key!.toString(), end: (outcome = 'ok') => resolve(outcome) }),
        ),
      commit: (offsets) => {
        commits.push(offsets);
        return Promise.resolve();
      },
      failed: (error) => failures.push(error),
    },
    { name: 'test', limit, heartbeatEveryMs: 10_000, isStopping: () => false },
    log,
  );
  const end = async (offset: string, outcome?: Outcome) => {
    pending.find((work) => work.offset === offset)!.end(outcome);
    await flushPromises();
  };
  return { intake, pending, commits, failures, end };
}

describe('PipelinedIntake', () => {
  it('ends the fetch once its records are taken in, before their work is done', async () => {
    const { intake, pending } = intakeWith(10);
    const { payload, resolved } = fetchOf(0, [record(0, 'a'), record(1, 'b'), record(2, 'c')]);
    await intake.take(payload);
    await flushPromises();
    expect(pending.map((work) => work.offset)).toEqual(['0', '1', '2']);
    expect(resolved).toEqual(['0', '1', '2']);
    expect(intake.inFlight).toBe(3);
  });

  it('commits per partition only over the done prefix, as work ends out of order', async () => {
    const { intake, commits, end } = intakeWith(10);
    await intake.take(fetchOf(0, [record(0, 'a'), record(1, 'b'), record(2, 'c')]).payload);
    await intake.take(fetchOf(1, [record(7, 'd')]).payload);
    await flushPromises();
    await end('2');
    await end('1');
    expect(commits).toEqual([]);
    await end('0');
    expect(commits.flat()).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
    await end('7');
    expect(commits.flat()).toContainEqual({ topic: 't', partition: 1, offset: '8' });
  });

  it('keeps each key in order and runs other keys beside it', async () => {
    const { intake, pending, end } = intakeWith(10);
    await intake.take(fetchOf(0, [record(0, 'a'), record(1, 'a'), record(2, 'b')]).payload);
    await flushPromises();
    expect(pending.map((work) => work.offset)).toEqual(['0', '2']);
    await end('0');
    expect(pending.map((work) => work.offset)).toEqual(['0', '2', '1']);
  });

  it('waits for room when full, then takes the rest of the fetch', async () => {
    const { intake, pending, end } = intakeWith(2);
    const taking = intake.take(fetchOf(0, [record(0, 'a'), record(1, 'b'), record(2, 'c')]).payload);
    await flushPromises();
    expect(pending).toHaveLength(2);
    let finished = false;
    void taking.then(() => (finished = true));
    await flushPromises();
    expect(finished).toBe(false);
    await end('1');
    await taking;
    expect(pending.map((work) => work.offset)).toEqual(['0', '1', '2']);
  });

  it('stops taking when the fetch goes stale while full, leaving the rest unresolved for the next fetch', async () => {
    jest.useFakeTimers();
    try {
      const { intake, pending } = intakeWith(1);
      const fetch = fetchOf(0, [record(0, 'a'), record(1, 'b')]);
      const taking = intake.take(fetch.payload);
      await jest.advanceTimersByTimeAsync(0);
      fetch.state.stale = true;
      await jest.advanceTimersByTimeAsync(1_000);
      await taking;
      expect(pending).toHaveLength(1);
      expect(fetch.resolved).toEqual(['0']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('skips records read again after a rebalance kept the partition, and commits nothing for work a stop cut short', async () => {
    const { intake, pending, commits, end } = intakeWith(10);
    await intake.take(fetchOf(0, [record(0, 'a'), record(1, 'b')]).payload);
    await flushPromises();
    intake.assigned([{ topic: 't', partition: 0 }]);
    // kafkajs reads again from the committed offset after a rebalance.
    const again = fetchOf(0, [record(0, 'a'), record(1, 'b'), record(2, 'c')]);
    await intake.take(again.payload);
    await flushPromises();
    expect(pending.map((work) => work.offset)).toEqual(['0', '1', '2']);
    expect(again.resolved).toEqual(['0', '1', '2']);
    await end('0', 'stopped');
    await end('1');
    await end('2');
    expect(commits).toEqual([]);
  });

  it('forgets a partition the group took away: its work still running commits nothing', async () => {
    const { intake, commits, end } = intakeWith(10);
    await intake.take(fetchOf(0, [record(0, 'a')]).payload);
    await intake.take(fetchOf(1, [record(0, 'b')]).payload);
    await flushPromises();
    intake.assigned([{ topic: 't', partition: 1 }]);
    await end('0');
    const partitions = commits.flat().map((offset) => offset.partition);
    expect(partitions).not.toContain(0);
  });

  it('reports work that threw, and does not commit past it', async () => {
    const failures: unknown[] = [];
    const commits: TopicPartitionOffset[][] = [];
    const log = { warn: jest.fn(), error: jest.fn() } as unknown as Log;
    const intake = new PipelinedIntake(
      {
        process: (_topic, _partition, raw) =>
          raw.offset === '0' ? Promise.reject(new Error('boom')) : Promise.resolve('ok'),
        commit: (offsets) => {
          commits.push(offsets);
          return Promise.resolve();
        },
        failed: (error) => failures.push(error),
      },
      { name: 'test', limit: 10, heartbeatEveryMs: 10_000, isStopping: () => false },
      log,
    );
    await intake.take(fetchOf(0, [record(0, 'a'), record(1, 'b')]).payload);
    await flushPromises();
    expect(failures).toHaveLength(1);
    expect(commits).toEqual([]);
    expect(intake.inFlight).toBe(0);
  });

  it('tries a failed commit again', async () => {
    jest.useFakeTimers();
    try {
      let refuse = true;
      const commits: TopicPartitionOffset[][] = [];
      const log = { warn: jest.fn(), error: jest.fn() } as unknown as Log;
      const intake = new PipelinedIntake(
        {
          process: () => Promise.resolve('ok'),
          commit: (offsets) => {
            if (refuse) return Promise.reject(new Error('rebalance in progress'));
            commits.push(offsets);
            return Promise.resolve();
          },
          failed: () => undefined,
        },
        { name: 'test', limit: 10, heartbeatEveryMs: 10_000, isStopping: () => false },
        log,
      );
      await intake.take(fetchOf(0, [record(0, 'a')]).payload);
      await jest.advanceTimersByTimeAsync(0);
      expect(commits).toEqual([]);
      refuse = false;
      await jest.advanceTimersByTimeAsync(1_000);
      expect(commits.flat()).toEqual([{ topic: 't', partition: 0, offset: '1' }]);
    } finally {
      jest.useRealTimers();
    }
  });
});
