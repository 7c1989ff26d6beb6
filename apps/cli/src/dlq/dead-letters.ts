import { MessageHeader } from '@trawl/contracts';

/** One record of the dead-letter topic, as kafkajs gives it (headers as Buffers or strings). */
export interface DeadLetterRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** A dead letter, read: where it came from, why, and whether it was put back since. */
export interface DeadLetter {
  /** "partition:offset" in the dead-letter topic. */
  id: string;
  at: string | null;
  type: string | null;
  batchId: string | null;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  consumer: string | null;
  reason: string;
  redriveCount: number;
  redriven: boolean;
  record: DeadLetterRecord;
}

export interface DeadLetterFilter {
  type?: string;
  batchId?: string;
  /** ISO time: dead letters at or after it. */
  since?: string;
}

export function header(record: DeadLetterRecord, name: string): string | null {
  const value = record.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

const idOf = (record: DeadLetterRecord) => `${record.partition}:${record.offset}`;

/** The batch id of a message body, if it is an envelope at all. */
function batchIdOf(value: Buffer | null): string | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value.toString()) as { batch_id?: unknown };
    return typeof parsed.batch_id === 'string' ? parsed.batch_id : null;
  } catch {
    return null;
  }
}

/** Reads the topic's records: dead letters in order, each marked redriven when a marker names it. */
export function readDeadLetters(records: DeadLetterRecord[]): DeadLetter[] {
  const redriven = new Set<string>();
  for (const record of records) {
    const of = header(record, MessageHeader.deadLetterRedrivenOf);
    if (of !== null) redriven.add(of);
  }
  return records
    .filter((record) => header(record, MessageHeader.deadLetterRedrivenOf) === null)
    .map((record) => {
      const sourcePartition = header(record, MessageHeader.deadLetterSourcePartition);
      return {
        id: idOf(record),
        at: header(record, MessageHeader.deadLetterAt),
        type: header(record, MessageHeader.type),
        batchId: batchIdOf(record.value),
        sourceTopic: header(record, MessageHeader.deadLetterSourceTopic),
        sourcePartition: sourcePartition === null ? null : Number(sourcePartition),
        sourceOffset: header(record, MessageHeader.deadLetterSourceOffset),
        consumer: header(record, MessageHeader.deadLetterConsumer),
        reason: header(record, MessageHeader.deadLetterReason) ?? '',
        redriveCount: Number(header(record, MessageHeader.redriveCount) ?? 0) || 0,
        redriven: redriven.has(idOf(record)),
        record,
      };
    });
}

export function matches(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (filter.type !== undefined && letter.type !== filter.type) return false;
  if (filter.batchId !== undefined && letter.batchId !== filter.batchId) return false;
  if (filter.since !== undefined && (letter.at === null || letter.at < filter.since)) return false;
  return true;
}

/**
 * The record that puts a dead letter back on its source topic: same key and value, the original
 * headers without the dead-letter ones, and the redrive count one higher.
 */
export function redriveRecord(letter: DeadLetter): {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | string>;
} {
  if (letter.sourceTopic === null) throw new Error(`dead letter ${letter.id} names no source topic`);
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(letter.record.headers)) {
    if (name.startsWith('trawl-dlq-') || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value[0]! : value;
  }
  headers[MessageHeader.redriveCount] = String(letter.redriveCount + 1);
  return { topic: letter.sourceTopic, key: letter.record.key, value: letter.record.value, headers };
}

/** The marker that records, in the dead-letter topic itself, that `letter` was redriven. */
export function redrivenMarker(letter: DeadLetter): {
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string>;
} {
  return {
    key: letter.record.key,
    value: Buffer.from(JSON.stringify({ redriven: letter.id, at: new Date().toISOString() })),
    headers: { [MessageHeader.deadLetterRedrivenOf]: letter.id },
  };
}
