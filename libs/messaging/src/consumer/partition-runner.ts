import { type Batch, type KafkaMessage } from 'kafkajs';
import { type MessageType, type MessageUnion } from '@trawl/contracts';
import { consumerLag, type Log } from '@trawl/telemetry';
import { headerStrings, type Outcome } from './delivery';
import { type RunEntry } from './message-processor';

/** The parts of kafkajs's EachBatchPayload the runner uses: one fetch of one partition. */
export interface PartitionFetch {
  batch: Pick<Batch, 'topic' | 'partition' | 'messages' | 'highWatermark' | 'isEmpty' | 'lastOffset'>;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
  resolveOffset(offset: string): void;
  commitOffsetsIfNecessary(): Promise<void>;
}

/** What the runner does with records; see MessageProcessor. */
export interface PartitionWork<T extends MessageType> {
  /** The decoded message if the consumer takes it; undefined for what `process` must handle alone. */
  wanted(raw: KafkaMessage): MessageUnion<T> | undefined;
  process(topic: string, partition: number, raw: KafkaMessage): Promise<Outcome>;
  processRun(run: readonly RunEntry<T>[]): Promise<Outcome>;
}

export interface PartitionRunnerOptions {
  /** The consumer's name, for logs and metrics. */
  name: string;
  /** Runs of consecutive wanted records go to `processRun` together. */
  batched: boolean;
  /** The most records in one run. */
  maxBatch: number;
  heartbeatEveryMs: number;
  isStopping(): boolean;
}

/**
 * Works through one fetch of one partition: heartbeats while it runs (a handler may take longer
 * than the session timeout: kafkajs#1396), resolves an offset only after the record's work is done
 * (and, with concurrency, only as a contiguous done prefix), keeps the partition's order (or each
 * key's, with concurrency), and stops taking records when the consumer stops, the group rebalances
 * or the fetch goes stale: what is not resolved is delivered again.
 */
export class PartitionRunner<T extends MessageType> {
  constructor(
    private readonly work: PartitionWork<T>,
    private readonly options: PartitionRunnerOptions,
    private readonly log: Log,
  ) {}

  async run(payload: PartitionFetch): Promise<void> {
    const { name, heartbeatEveryMs, batched } = this.options;
    const beat = setInterval(() => {
      payload
        .heartbeat()
        .catch((error: unknown) =>
          this.log.warn({ consumer: name, err: error }, 'heartbeat failed (a rebalance is under way)'),
        );
    }, heartbeatEveryMs);
    const keepGoing = () => payload.isRunning() && !payload.isStale() && !this.options.isStopping();
    try {
      if (batched) await this.inRuns(payload, keepGoing);
      else await this.inOrder(payload, keepGoing);
      const { batch } = payload;
      if (keepGoing() && !batch.isEmpty()) {
        consumerLag.set(
          { consumer: name, topic: batch.topic, partition: String(batch.partition) },
          Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1),
        );
      }
    } finally {
      clearInterval(beat);
    }
  }

  /** One record at a time, each offset resolved after its record. */
  private async inOrder(payload: PartitionFetch, keepGoing: () => boolean): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      if (!keepGoing()) return;
      const outcome = await this.work.process(batch.topic, batch.partition, message);
      if (outcome === 'stopped') return;
      payload.resolveOffset(message.offset);
      await payload.commitOffsetsIfNecessary();
    }
  }

  /**
   * In order, with runs of consecutive wanted records handed to processRun together. Anything
   * else (undecodable, other types) goes through `process` alone, between runs, so offsets are
   * still resolved strictly in order.
   */
  private async inRuns(payload: PartitionFetch, keepGoing: () => boolean): Promise<void> {
    const { batch } = payload;
    let run: RunEntry<T>[] = [];
    const flush = async (): Promise<boolean> => {
      if (run.length === 0) return true;
      const chunk = run;
      run = [];
      const outcome = await this.work.processRun(chunk);
      if (outcome === 'stopped') return false;
      payload.resolveOffset(chunk[chunk.length - 1]!.raw.offset);
      await payload.commitOffsetsIfNecessary();
      return true;
    };
    for (const raw of batch.messages) {
      if (!keepGoing()) return;
      const message = this.work.wanted(raw);
      if (message) {
        run.push({
          delivered: {
            message,
            delivery: { topic: batch.topic, partition: batch.partition, offset: raw.offset },
            traceHeaders: headerStrings(raw.headers),
          },
          raw,
        });
        if (run.length >= this.options.maxBatch && !(await flush())) return;
        continue;
      }
      if (!(await flush())) return;
      const outcome = await this.work.process(batch.topic, batch.partition, raw);
      if (outcome === 'stopped') return;
      payload.resolveOffset(raw.offset);
      await payload.commitOffsetsIfNecessary();
    }
    if (keepGoing()) await flush();
  }
}
