import { type IHeaders } from 'kafkajs';
import { type AnyMessage, type MessageType, type MessageUnion } from '@trawl/contracts';

/** Where a message came from. */
export interface DeliveryInfo {
  topic: string;
  partition: number;
  offset: string;
}

/** A decoded message of one of the types T with where it came from. */
export interface Delivered<T extends MessageType = MessageType> {
  message: MessageUnion<T>;
  delivery: DeliveryInfo;
  /** Its trace context (W3C headers), for work done on its behalf inside a batch's span. */
  traceHeaders: Record<string, string>;
}

export type MessageHandler<T extends MessageType = MessageType> = (
  message: MessageUnion<T>,
  delivery: DeliveryInfo,
) => Promise<void>;

export type BatchHandler<T extends MessageType = MessageType> = (messages: readonly Delivered<T>[]) => Promise<void>;

/**
 * What became of a message (or a run of them): handled, acknowledged without handling (a type the
 * consumer does not take), sent to the dead-letter topic, or left uncommitted because the consumer
 * is stopping (it will be delivered again).
 */
export type Outcome = 'ok' | 'skipped' | 'dead_lettered' | 'stopped';

/** Whether a decoded message is of one of the types a consumer takes. */
export function isOfTypes<T extends MessageType>(
  message: AnyMessage,
  types: readonly T[],
): message is AnyMessage & MessageUnion<T> {
  return (types as readonly MessageType[]).includes(message.type);
}

/** Kafka headers as strings (the first value of each), for trace context extraction. */
export function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
