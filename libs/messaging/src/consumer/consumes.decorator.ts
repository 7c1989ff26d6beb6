import { SetMetadata } from '@nestjs/common';
import { type TrawlConfig } from '@trawl/config';
import { type AnyMessage, type MessageType, type TopicRole } from '@trawl/contracts';
import { type Delivered, type DeliveryInfo } from './message-consumer';

export const CONSUMES_METADATA = 'trawl:consumes';

export interface ConsumesOptions {
  /** Consumer group, without the topic prefix (which is added so environments never share a group). */
  group: string;
  topics: TopicRole[];
  types: readonly MessageType[];
  /** Messages of one partition handled at once (default 1: in order); may depend on config. */
  concurrency?: number | ((config: TrawlConfig) => number);
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  /**
   * How long the group waits for this member to rejoin during a rebalance (kafkajs default 60 s).
   * A member rejoins only once its handlers in flight have returned: give it the longest handler.
   */
  rebalanceTimeoutMs?: (config: TrawlConfig) => number;
  /** See ConsumerOptions.traceEach. */
  traceEach?: readonly MessageType[];
}

/** A provider that handles messages; the messaging module finds it and runs its consumer. */
export interface MessageHandlerProvider {
  handle(message: AnyMessage, delivery: DeliveryInfo): Promise<void>;
  /**
   * Optional, for in-order consumers: handles consecutive messages of one partition at once (one
   * transaction for all of them). If it fails other than by a dependency being down, the
   * messages are handed to `handle` one by one, so one bad message is dead-lettered alone.
   */
  handleBatch?(messages: readonly Delivered[]): Promise<void>;
}

/** Declares which messages a provider consumes; see MessagingModule. */
export const Consumes = (options: ConsumesOptions): ClassDecorator => SetMetadata(CONSUMES_METADATA, options);
