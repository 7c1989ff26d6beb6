import { type z } from 'zod';
import { type Envelope } from './envelope';
import { type TopicRole } from './topics';
import { batchCancelRequestedV1 } from './batch/batch-cancel-requested.event';
import { batchRetryRequestedV1 } from './batch/batch-retry-requested.event';
import { batchRequestedV1 } from './batch/batch-requested.event';
import { batchStartedV1 } from './batch/batch-started.event';
import { domainFailedV1 } from './domain/domain-failed.event';
import { domainQueuedV1 } from './domain/domain-queued.event';
import { domainScrapeV1 } from './domain/domain-scrape.command';
import { domainScrapedV1 } from './domain/domain-scraped.event';
import { domainStartedV1 } from './domain/domain-started.event';
import { domainTimedOutV1 } from './domain/domain-timed-out.event';

interface MessageDefinition {
  version: number;
  topic: TopicRole;
  schema: z.ZodType;
  /** Which envelope field is the Kafka key. */
  key: 'batch_id' | 'domain';
}

/**
 * The one registry of messages: type → current version, topic, schema and key. Producers and
 * consumers both go through it; no topic name or payload shape lives anywhere else.
 */
export const Messages = {
  'batch.requested': { version: 1, topic: 'batchEvents', schema: batchRequestedV1, key: 'batch_id' },
  'batch.cancel-requested': { version: 1, topic: 'batchEvents', schema: batchCancelRequestedV1, key: 'batch_id' },
  'batch.retry-requested': { version: 1, topic: 'batchEvents', schema: batchRetryRequestedV1, key: 'batch_id' },
  'batch.started': { version: 1, topic: 'batchEvents', schema: batchStartedV1, key: 'batch_id' },
  'domain.queued': { version: 1, topic: 'batchEvents', schema: domainQueuedV1, key: 'batch_id' },
  'domain.started': { version: 1, topic: 'batchEvents', schema: domainStartedV1, key: 'batch_id' },
  'domain.scraped': { version: 1, topic: 'batchEvents', schema: domainScrapedV1, key: 'batch_id' },
  'domain.failed': { version: 1, topic: 'batchEvents', schema: domainFailedV1, key: 'batch_id' },
  'domain.timed-out': { version: 1, topic: 'batchEvents', schema: domainTimedOutV1, key: 'batch_id' },
  'domain.scrape': { version: 1, topic: 'domainCommands', schema: domainScrapeV1, key: 'domain' },
} as const satisfies Record<string, MessageDefinition>;

export type MessageType = keyof typeof Messages;
export type MessageData<T extends MessageType> = z.infer<(typeof Messages)[T]['schema']>;
export type MessageOf<T extends MessageType> = Envelope<T, MessageData<T>>;
export type AnyMessage = { [T in MessageType]: MessageOf<T> }[MessageType];
/**
 * The messages of any of the types T, as a union discriminated by `type` (MessageOf<'a' | 'b'> is
 * one envelope whose data is either payload; this is MessageOf<'a'> | MessageOf<'b'>).
 */
export type MessageUnion<T extends MessageType> = { [K in T]: MessageOf<K> }[T];

/** Messages on the batch-events topic, in the order-sensitive fold. */
export type BatchEventType = {
  [T in MessageType]: (typeof Messages)[T]['topic'] extends 'batchEvents' ? T : never;
}[MessageType];
export type BatchEvent = { [T in BatchEventType]: MessageOf<T> }[BatchEventType];

/** Every message type of the batch-events topic: what the scheduler and the aggregator fold. */
export const BATCH_EVENT_TYPES: readonly BatchEventType[] = (Object.keys(Messages) as MessageType[]).filter(
  (type): type is BatchEventType => Messages[type].topic === 'batchEvents',
);

export function isMessageType(type: string): type is MessageType {
  return Object.prototype.hasOwnProperty.call(Messages, type);
}

export function messageKey(message: AnyMessage): string {
  const definition = Messages[message.type];
  return definition.key === 'domain' ? (message.data as { domain: string }).domain : message.batch_id;
}
