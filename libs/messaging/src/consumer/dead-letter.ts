import { type KafkaMessage, type Message } from 'kafkajs';
import { MessageHeader } from '@trawl/contracts';
import { deadLetters, type Log } from '@trawl/telemetry';
import { type MessagePublisher } from '../publisher/message-publisher';
import { backoffMs, sleep } from './retry-policy';

/** Where a dead-lettered message was read from, and by whom. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  /** The consumer group that gave up on it. */
  groupId: string;
}

/** The longest reason a dead letter's header holds (the log line holds half of it). */
export const DEAD_LETTER_REASON_MAX = 4000;

/**
 * The dead letter of a message: its key, value and headers as they were read (so it can be
 * replayed as it is), plus headers saying why, from where, by whom and when.
 */
export function deadLetterRecord(raw: KafkaMessage, source: DeadLetterSource, reason: string, now: Date): Message {
  return {
    key: raw.key,
    value: raw.value,
    headers: {
      ...raw.headers,
      [MessageHeader.deadLetterReason]: reason.slice(0, DEAD_LETTER_REASON_MAX),
      [MessageHeader.deadLetterSourceTopic]: source.topic,
      [MessageHeader.deadLetterSourcePartition]: String(source.partition),
      [MessageHeader.deadLetterSourceOffset]: raw.offset,
      [MessageHeader.deadLetterConsumer]: source.groupId,
      [MessageHeader.deadLetterAt]: now.toISOString(),
    },
  };
}

/** Publishes dead letters for one consumer. */
export class DeadLetterer {
  constructor(
    private readonly publisher: MessagePublisher,
    /** The dead-letter topic's full name. */
    private readonly target: string,
    /** The consumer's name, for logs and metrics. */
    private readonly name: string,
    private readonly groupId: string,
    private readonly log: Log,
    /** While the consumer stops, a failed publish is given up (the message stays uncommitted). */
    private readonly isStopping: () => boolean,
  ) {}

  /** Dead letters must not be lost either: keeps trying until Kafka takes it, unless stopping (then throws). */
  async send(topic: string, partition: number, raw: KafkaMessage, reason: string): Promise<void> {
    this.log.error(
      {
        consumer: this.name,
        topic,
        partition,
        offset: raw.offset,
        reason: reason.slice(0, DEAD_LETTER_REASON_MAX / 2),
      },
      'dead-lettering message',
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        const record = deadLetterRecord(raw, { topic, partition, groupId: this.groupId }, reason, new Date());
        await this.publisher.publishRaw(this.target, [record]);
        deadLetters.inc({ consumer: this.name, topic });
        return;
      } catch (error) {
        if (this.isStopping()) throw error;
        this.log.warn({ err: error, attempt }, 'dead-letter publish failed; retrying');
        await sleep(backoffMs(Math.min(attempt, 7)));
      }
    }
  }
}
