import { SetMetadata } from '@nestjs/common';
import { type TrawlConfig } from '@trawl/config';
import { type MessageType, type MessageUnion, type TopicRole } from '@trawl/contracts';
import { type Delivered, type DeliveryInfo } from './delivery';

export const CONSUMES_METADATA = 'trawl:consumes';

export interface ConsumesOptions<T extends MessageType = MessageType> {
  /** Consumer group, without the topic prefix (which is added so environments never share a group). */
  group: string;
  topics: TopicRole[];
  /**
   * The types the handler takes: only these are decoded for it and delivered; a message of
   * another type on the same topics is acknowledged and skipped.
   */
  types: readonly T[];
  /** See ConsumerOptions.concurrency (default 1: each partition in order); may depend on config. */
  concurrency?: number | ((config: TrawlConfig) => number);
  /** See ConsumerOptions.gatherPauseMs. */
  gatherPauseMs?: (config: TrawlConfig) => number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * How long the group waits for this member to rejoin during a rebalance (kafkajs default 60 s).
   * A member rejoins only once its handlers in flight have returned: give it the longest handler.
   */
  rebalanceTimeoutMs?: (config: TrawlConfig) => number;
  /** See ConsumerOptions.traceEach. */
  traceEach?: readonly T[];
}

/**
 * A provider that handles messages of the types T (one type, or a union of them); the messaging
 * module finds it by its @Consumes decorator and runs its consumer. `handle` gets exactly those
 * types: `handle(message: MessageOf<'domain.scrape'>)` for one, `handle(message: BatchEvent)` (or
 * `MessageUnion<...>`) for several. Declared as properties so that a handler taking fewer types
 * than its decorator names does not compile (methods would be checked bivariantly).
 */
export interface Consumes<T extends MessageType = MessageType> {
  handle: (message: MessageUnion<T>, delivery: DeliveryInfo) => Promise<void>;
  /**
   * Optional, for in-order consumers: handles consecutive messages of one partition at once (one
   * transaction for all of them). If it fails other than by a dependency being down, the
   * messages are handed to `handle` one by one, so one bad message is dead-lettered alone.
   */
  handleBatch?: (messages: readonly Delivered<T>[]) => Promise<void>;
}

/**
 * Declares which messages a provider consumes; see MessagingModule. The decorated class must be a
 * Consumes<T> for the types it names: `@Consumes({ types: ['domain.scrape'], ... })` on a class
 * whose handle takes another type does not compile.
 */
export function Consumes<T extends MessageType>(
  options: ConsumesOptions<T>,
): <C extends abstract new (...args: never[]) => Consumes<T>>(target: C) => void {
  return SetMetadata(CONSUMES_METADATA, options);
}
