import { randomUUID } from 'node:crypto';
import { type Kafka } from 'kafkajs';
import { type BatchEvent, BATCH_EVENT_TYPES, decodeMessage, DecodeError, wellFormedDeep } from '@trawl/contracts';

/** Per partition: an offset (where a pass starts, or the end it reads up to, exclusive). */
export type Offsets = Map<number, number>;

export interface ReadStats {
  events: number;
  /** Messages that are not batch events Trawl can decode (they are skipped, as the aggregator dead-letters them). */
  skipped: number;
}

/** Where each partition of the topic ends right now (its high watermark), and where it starts. */
export async function logBounds(kafka: Kafka, topic: string): Promise<{ start: Offsets; end: Offsets }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return {
      start: new Map(offsets.map((entry) => [entry.partition, Number(entry.low)])),
      end: new Map(offsets.map((entry) => [entry.partition, Number(entry.high)])),
    };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the topic from `from` (or its start) up to `until` (exclusive), partition by partition in
 * log order, handing the batch events over in runs of at most `chunk`. A consumer group of its own
 * that commits nothing and is deleted afterwards: the services' groups are never touched.
 */
export async function readLog(options: {
  kafka: Kafka;
  topic: string;
  groupPrefix: string;
  from?: Offsets;
  until: Offsets;
  chunk: number;
  onEvents: (events: BatchEvent[]) => Promise<void>;
}): Promise<ReadStats> {
  const { kafka, topic, until } = options;
  const stats: ReadStats = { events: 0, skipped: 0 };
  const position = new Map<number, number>(options.from ?? []);
  const pending = [...until].filter(([partition, end]) => (position.get(partition) ?? 0) < end);
  if (pending.length === 0) return stats;
  const groupId = `${options.groupPrefix}replay-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxBytesPerPartition: 8 * 1024 * 1024 });
  const remaining = new Set(pending.map(([partition]) => partition));
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        try {
          const end = until.get(batch.partition) ?? 0;
          const start = position.get(batch.partition) ?? 0;
          let run: BatchEvent[] = [];
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset >= end) break;
            if (offset < start) continue;
            const event = decodeBatchEvent(message.value);
            if (event) run.push(event);
            else stats.skipped += 1;
            if (run.length >= options.chunk) {
              await options.onEvents(run);
              stats.events += run.length;
              run = [];
              await payload.heartbeat();
            }
            payload.resolveOffset(message.offset);
            position.set(batch.partition, offset + 1);
          }
          if (run.length > 0) {
            await options.onEvents(run);
            stats.events += run.length;
          }
          if (
            (position.get(batch.partition) ?? 0) >= end &&
            remaining.delete(batch.partition) &&
            remaining.size === 0
          ) {
            finish();
          }
        } catch (error) {
          fail(error);
          throw error;
        }
      },
    });
    // Partitions that already start at `from` are positioned there (seek works once run() started).
    for (const [partition, offset] of options.from ?? []) {
      if (remaining.has(partition)) consumer.seek({ topic, partition, offset: String(offset) });
    }
    await done;
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return stats;
}

function decodeBatchEvent(value: Buffer | null): BatchEvent | undefined {
  try {
    const message = decodeMessage(value);
    if (!(BATCH_EVENT_TYPES as readonly string[]).includes(message.type)) return undefined;
    return wellFormedDeep(message as BatchEvent);
  } catch (error) {
    if (error instanceof DecodeError) return undefined;
    throw error;
  }
}
