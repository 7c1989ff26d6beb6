import { type KafkaMessage } from 'kafkajs';
import { consumerLag, type Log } from '@trawl/telemetry';
import { type Outcome } from './delivery';
import { OffsetWindow } from './offset-window';
import { type PartitionFetch } from './partition-runner';

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, as Kafka commits it. */
  offset: string;
}

/** What the intake does with records, and how it commits; see MessageProcessor and MessageConsumer. */
export interface IntakeWork {
  process(topic: string, partition: number, raw: KafkaMessage): Promise<Outcome>;
  /** Commits exactly these offsets for the group. */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Work threw (it should not): the consumer must start over from the committed offsets. */
  failed(error: unknown): void;
}

export interface PipelinedIntakeOptions {
  /** The consumer's name, for logs and metrics. */
  name: string;
  /** Records taken in and not yet done, across all partitions: fetches wait while this many are. */
  limit: number;
  heartbeatEveryMs: number;
  isStopping(): boolean;
}

const partitionKey = (topic: string, partition: number) => `${topic}|${partition}`;

/**
 * Takes records in as fast as there is room, and lets the fetch go on while their work runs.
 *
 * kafkajs fetches again only after every record of the previous fetch is handled (its fetcher
 * awaits the whole worker queue), so a consumer whose work takes long, like a crawl, runs in waves:
 * a fetch's records start together and the slots empty one by one until the slowest is done, while
 * new records wait in the log. Here a fetch's records are only taken in (bounded by `limit`) and
 * the fetch ends; each record's work runs on its own, each key's records still in order. Its offset
 * is resolved at once (kafkajs's fetch position only: the consumer runs with autoCommit off) and
 * committed by the intake, per partition, only over a contiguous prefix of records whose work is
 * done; a crash, a stop or a lost partition redelivers the rest.
 */
export class PipelinedIntake {
  private readonly windows = new Map<string, OffsetWindow>();
  private readonly lastOfKey = new Map<string, Promise<void>>();
  private readonly roomWaiters = new Set<() => void>();
  private outstanding = 0;
  private committing: Promise<void> | undefined;
  private commitAgain = false;

  constructor(
    private readonly work: IntakeWork,
    private readonly options: PipelinedIntakeOptions,
    private readonly log: Log,
  ) {}

  get inFlight(): number {
    return this.outstanding;
  }

  /** eachBatch: takes the fetch's records in, waiting (and heartbeating) only while the intake is full. */
  async take(payload: PartitionFetch): Promise<void> {
    const { batch } = payload;
    const key = partitionKey(batch.topic, batch.partition);
    let window = this.windows.get(key);
    if (!window) {
      window = new OffsetWindow();
      this.windows.set(key, window);
    }
    const keepGoing = () => payload.isRunning() && !payload.isStale() && !this.options.isStopping();
    for (const raw of batch.messages) {
      if (!keepGoing()) return;
      if (!window.isNew(raw.offset)) {
        // Read again after a rebalance left the partition here: its work is running or done.
        payload.resolveOffset(raw.offset);
        continue;
      }
      if (this.outstanding >= this.options.limit && !(await this.roomOrStop(payload, keepGoing))) return;
      window.take(raw.offset);
      payload.resolveOffset(raw.offset);
      this.start(batch.topic, batch.partition, raw, window);
    }
    if (keepGoing() && !batch.isEmpty()) {
      consumerLag.set(
        { consumer: this.options.name, topic: batch.topic, partition: String(batch.partition) },
        Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
      );
    }
  }

  /**
   * The group's assignment changed: windows of partitions this member no longer has are dropped
   * (their work still running commits nothing; the new owner reads those records again).
   */
  assigned(partitions: { topic: string; partition: number }[]): void {
    const kept = new Set(partitions.map(({ topic, partition }) => partitionKey(topic, partition)));
    for (const key of [...this.windows.keys()]) if (!kept.has(key)) this.windows.delete(key);
  }

  /**
   * A graceful stop: waits (at most `timeoutMs`) for the work in hand to end, its handlers being
   * told to stop, then commits what is done. Work still running after that commits nothing.
   */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outstanding > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.roomWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(1, Math.min(200, deadline - Date.now())));
        this.roomWaiters.add(wake);
      });
    }
    await this.commitNow();
  }

  private start(topic: string, partition: number, raw: KafkaMessage, window: OffsetWindow): void {
    this.outstanding += 1;
    const orderKey = `${partitionKey(topic, partition)}|${raw.key?.toString() ?? `@${raw.offset}`}`;
    const previous = this.lastOfKey.get(orderKey) ?? Promise.resolve();
    const task: Promise<void> = previous
      .then(async () => {
        const outcome = await this.work.process(topic, partition, raw);
        if (outcome === 'stopped') return;
        window.finish(raw.offset);
        this.commitSoon();
      })
      .catch((error: unknown) => {
        this.log.error(
          { consumer: this.options.name, topic, partition, offset: raw.offset, err: error },
          'record work failed',
        );
        this.work.failed(error);
      })
      .finally(() => {
        this.outstanding -= 1;
        if (this.lastOfKey.get(orderKey) === task) this.lastOfKey.delete(orderKey);
        for (const wake of this.roomWaiters) wake();
      });
    this.lastOfKey.set(orderKey, task);
  }

  /** Waits until a record's work ends; false if the consumer stops or the fetch goes stale meanwhile. */
  private async roomOrStop(payload: PartitionFetch, keepGoing: () => boolean): Promise<boolean> {
    // A failed heartbeat means a rebalance is under way: the fetch ends at once instead of holding
    // the group up until work ends; what it did not take in is read again after the rebalance.
    let rebalancing = false;
    const beat = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        rebalancing = true;
        this.log.warn({ consumer: this.options.name, err: error }, 'heartbeat failed (a rebalance is under way)');
      });
    }, this.options.heartbeatEveryMs);
    try {
      while (this.outstanding >= this.options.limit) {
        if (!keepGoing() || rebalancing) return false;
        // A bounded wait: a rebalance or a stop is noticed within a second even if no work ends.
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.roomWaiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, 1_000);
          this.roomWaiters.add(wake);
        });
      }
      return keepGoing() && !rebalancing;
    } finally {
      clearInterval(beat);
    }
  }

  /** One commit at a time; work that ends during one is committed right after it. */
  private commitSoon(): void {
    if (this.committing) {
      this.commitAgain = true;
      return;
    }
    this.committing = this.commitNow().finally(() => {
      this.committing = undefined;
      if (this.commitAgain) {
        this.commitAgain = false;
        this.commitSoon();
      }
    });
  }

  private async commitNow(): Promise<void> {
    if (this.committing) await this.committing.catch(() => undefined);
    const due: { window: OffsetWindow; offset: TopicPartitionOffset }[] = [];
    for (const [key, window] of this.windows) {
      const offset = window.commitPoint();
      if (offset === undefined) continue;
      const cut = key.lastIndexOf('|');
      due.push({ window, offset: { topic: key.slice(0, cut), partition: Number(key.slice(cut + 1)), offset } });
    }
    if (due.length === 0) return;
    try {
      await this.work.commit(due.map(({ offset }) => offset));
      for (const { window, offset } of due) window.committed(offset.offset);
    } catch (error: unknown) {
      // Left as due: tried again in a second, or by the next record that ends, or by the stop.
      this.log.warn({ consumer: this.options.name, err: error }, 'offset commit failed; will retry');
      if (!this.options.isStopping()) setTimeout(() => this.commitSoon(), 1_000).unref();
    }
  }
}
