import { type KafkaMessage } from 'kafkajs';
import { type AnyMessage, decodeMessage, DecodeError, type MessageType, type MessageUnion } from '@trawl/contracts';
import { isOfTypes } from './delivery';

/** A record as a consumer of the types T sees it. */
export type Decoded<T extends MessageType> =
  /** Of a type it takes: validated, for its handler. */
  | { kind: 'wanted'; message: AnyMessage & MessageUnion<T> }
  /** Valid, of a type it does not take (another consumer's, on the same topic): acknowledged and skipped. */
  | { kind: 'other'; message: AnyMessage }
  /** Not a valid message of this build (bad JSON, envelope, version or payload): dead-lettered with the reason. */
  | { kind: 'undecodable'; reason: string };

/** Decodes and validates a record for a consumer of `types`. Errors other than DecodeError are thrown. */
export function decodeFor<T extends MessageType>(raw: Pick<KafkaMessage, 'value'>, types: readonly T[]): Decoded<T> {
  let message: AnyMessage;
  try {
    message = decodeMessage(raw.value);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    return { kind: 'undecodable', reason: `undecodable: ${error.message}` };
  }
  return isOfTypes(message, types) ? { kind: 'wanted', message } : { kind: 'other', message };
}
