import { randomUUID } from 'node:crypto';
import { type Kafka } from 'kafkajs';
import { CliError } from '../cli-output';
import { type DeadLetterRecord } from './dead-letters';

const READ_TIMEOUT_MS = 60_000;

/**
 * Every record of `topic`, from its start to the end it had when the read began. kafkajs has no
 * manual partition assignment, so a throw-away consumer group reads it and is deleted afterwards.
 */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<DeadLetterRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `trawl-cli-dlq-${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(
      ends
        .filter(({ high, low }) => BigInt(high) > BigInt(low))
        .map(({ partition, high }) => [partition, BigInt(high)]),
    );
    if (remaining.size === 0) return [];
    const records: DeadLetterRecord[] = [];
    // A short fetch wait: disconnect() waits for the fetch in flight.
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new CliError(`reading ${topic} took longer than ${READ_TIMEOUT_MS / 1000} s`)),
          READ_TIMEOUT_MS,
        );
        consumer
          .run({
            eachMessage: ({ partition, message }) => {
              const end = remaining.get(partition);
              if (end !== undefined && BigInt(message.offset) < end) {
                records.push({
                  partition,
                  offset: message.offset,
                  key: message.key,
                  value: message.value,
                  headers: message.headers ?? {},
                });
                if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
              }
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
              return Promise.resolve();
            },
          })
          .catch((error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new Error(String(error)));
          });
      });
    } finally {
      await consumer.disconnect();
    }
    return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
