import { SetMetadata } from '@nestjs/common';
import { type MessageType, type TopicRole } from '@trawl/contracts';
import { type DeliveryInfo } from './message-consumer';
import { type AnyMessage } from '@trawl/contracts';

export const CONSUMES_METADATA = 'trawl:consumes';

export interface ConsumesOptions {
  /** Consumer group, without the topic prefix (which is added so environments never share a group). */
  group: string;
  topics: TopicRole[];
  types: readonly MessageType[];
  concurrency?: number;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
}

/** A provider that handles messages; the messaging module finds it and runs its consumer. */
export interface MessageHandlerProvider {
  handle(message: AnyMessage, delivery: DeliveryInfo): Promise<void>;
}

/** Declares which messages a provider consumes; see MessagingModule. */
export const Consumes = (options: ConsumesOptions): ClassDecorator => SetMetadata(CONSUMES_METADATA, options);
