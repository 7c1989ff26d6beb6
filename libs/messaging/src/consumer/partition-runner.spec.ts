import { type KafkaMessage } from 'kafkajs';
import { type AnyMessage } from '@trawl/contracts';
import { createLogger } from '@trawl/telemetry';
import { type Outcome } from './delivery';
import { type RunEntry } from './message-processor';
import {
  type PartitionFetch,
  PartitionRunner,
  type PartitionRunnerOptions,
  type PartitionWork,
} from './partition-runner';

const log = createLogger('partition-runner-spec', 'silent');

/** A record; its value says whether the consumer takes it ('w') or not ('x'). */
function record(offset: number, value: 'w' | 'x' = 'w', key?: string): KafkaMessage {
  return {
    key: key === undefined ? null : Buffer.from(key),
    value: Buffer.from(value),
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
    headers: {},
  };
}

/** A fake fetch of one partition that writes what the runner does to `events`. */
function fetchOf(messages: KafkaMessage[]) {
  const events: string[] = [];
  const state = { running: true, stale: false, heartbeats: 0 };
  const payload: PartitionFetch = {
    batch: {
      topic: 't',
      partition: 0,
      messages,
      highWatermark: String(messages.length),
      isEmpty: () => messages.length === 0,
      lastOffset: () => messages[messages.length - 1]?.offset ?? '-1',
    },
    heartbeat: () => {
      state.heartbeats += 1;
      return Promise.resolve();
    },
    isRunning: () => state.running,
    isStale: () => state.stale,
    resolveOffset: (offset) => events.push(`resolve ${offset}`),
    commitOffsetsIfNecessary: () => {
      events.push('commit');
      return Promise.resolve();
    },
  };
  return { payload, events, state };
}

interface Deferred {
  promise: Promise<Outcome>;
  resolve(outcome: Outcome): void;
}
function deferred(): Deferred {
  let resolve!: (outcome: Outcome) => void;
  const promise = new Promise<Outcome>((done) => (resolve = done));
  return { promise, resolve };
}

/** Work whose records finish when told (`finish`), or at once with 'ok' unless `held`. */
function work(events: string[], held: ReadonlySet<string> = new Set()) {
  const pending = new Map<string, Deferred>();
  let active = 0;
  let mostActive = 0;
  const finishLater = (label: string): Promise<Outcome> => {
    if (!held.has(label)) return Promise.resolve('ok');
    const waiting = deferred();
    pending.set(label, waiting);
    return waiting.promise;
  };
  const fake: PartitionWork<'batch.requested'> = {
    wanted: (raw) =>
      raw.value?.toString() === 'w'
        ? ({ id: raw.offset } as unknown as AnyMessage & { type: 'batch.requested' })
        : undefined,
    process: async (_topic, _partition, raw) => {
      events.push(`process ${raw.offset}`);
      active += 1;
      mostActive = Math.max(mostActive, active);
      const outcome = await finishLater(raw.offset);
      active -= 1;
      events.push(`done ${raw.offset}`);
      return outcome;
    },
    processRun: async (run: readonly RunEntry<'batch.requested'>[]) => {
      const label = run.map(({ raw }) => raw.offset).join(',');
      events.push(`run ${label}`);
      const outcome = await finishLater(label);
      events.push(`done ${label}`);
      return outcome;
    },
  };
  return {
    fake,
    finish: (label: string, outcome: Outcome = 'ok') => pending.get(label)!.resolve(outcome),
    isPending: (label: string) => pending.has(label),
    mostActive: () => mostActive,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function options(overrides: Partial<PartitionRunnerOptions> = {}): PartitionRunnerOptions {
  return {
    name: 'spec',
    batched: false,
    maxBatch: 500,
    heartbeatEveryMs: 3_000,
    isStopping: () => false,
    ...overrides,
  };
}

describe('PartitionRunner, in order', () => {
  it('resolves each offset only after its record was handled, in order', async () => {
    const { payload, events } = fetchOf([record(0), record(1), record(2, 'x')]);
    const { fake } = work(events);
    await new PartitionRunner(fake, options(), log).run(payload);
    expect(events).toEqual([
      ...['process 0', 'done 0', 'resolve 0', 'commit'],
      ...['process 1', 'done 1', 'resolve 1', 'commit'],
      ...['process 2', 'done 2', 'resolve 2', 'commit'],
    ]);
  });

  it('does not resolve a record whose handling was stopped, nor take the ones after it', async () => {
    const { payload, events } = fetchOf([record(0), record(1), record(2)]);
    const { fake, finish } = work(events, new Set(['1']));
    const running = new PartitionRunner(fake, options(), log).run(payload);
    await flush();
    finish('1', 'stopped');
    await running;
    expect(events).toEqual(['process 0', 'done 0', 'resolve 0', 'commit', 'process 1', 'done 1']);
  });

  it('takes no more records once the group rebalances, the fetch is stale or the consumer stops', async () => {
    for (const stop of ['running', 'stale', 'stopping'] as const) {
      const { payload, events, state } = fetchOf([record(0), record(1)]);
      let stopping = false;
      const { fake, finish } = work(events, new Set(['0']));
      const running = new PartitionRunner(fake, options({ isStopping: () => stopping }), log).run(payload);
      await flush();
      if (stop === 'running') state.running = false;
      if (stop === 'stale') state.stale = true;
      if (stop === 'stopping') stopping = true;
      finish('0');
      await running;
      expect(events).toEqual(['process 0', 'done 0', 'resolve 0', 'commit']);
    }
  });

  it('heartbeats while a long handler runs, and stops heartbeating when the fetch is done', async () => {
    const { payload, events, state } = fetchOf([record(0)]);
    const { fake, finish } = work(events, new Set(['0']));
    const running = new PartitionRunner(fake, options({ heartbeatEveryMs: 10 }), log).run(payload);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(state.heartbeats).toBeGreaterThanOrEqual(3);
    finish('0');
    await running;
    const after = state.heartbeats;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(state.heartbeats).toBe(after);
  });
});

describe('PartitionRunner, in runs (a batch handler)', () => {
  it('hands consecutive wanted records over together, at most maxBatch, anything else alone between runs', async () => {
    const { payload, events } = fetchOf([record(0), record(1), record(2, 'x'), record(3), record(4), record(5)]);
    const { fake } = work(events);
    await new PartitionRunner(fake, options({ batched: true, maxBatch: 2 }), log).run(payload);
    expect(events).toEqual([
      ...['run 0,1', 'done 0,1', 'resolve 1', 'commit'],
      ...['process 2', 'done 2', 'resolve 2', 'commit'],
      ...['run 3,4', 'done 3,4', 'resolve 4', 'commit'],
      ...['run 5', 'done 5', 'resolve 5', 'commit'],
    ]);
  });

  it('resolves nothing of a run that was stopped, and takes nothing after it', async () => {
    const { payload, events } = fetchOf([record(0), record(1), record(2, 'x'), record(3)]);
    const { fake, finish } = work(events, new Set(['0,1']));
    const running = new PartitionRunner(fake, options({ batched: true }), log).run(payload);
    await flush();
    finish('0,1', 'stopped');
    await running;
    expect(events).toEqual(['run 0,1', 'done 0,1']);
  });

  it('leaves the last run unhandled and unresolved when the group rebalanced meanwhile', async () => {
    const { payload, events, state } = fetchOf([record(0, 'x'), record(1), record(2)]);
    const { fake, finish } = work(events, new Set(['0']));
    const running = new PartitionRunner(fake, options({ batched: true }), log).run(payload);
    await flush();
    state.running = false;
    finish('0');
    await running;
    expect(events).toEqual(['process 0', 'done 0', 'resolve 0', 'commit']);
  });
});
