import { randomUUID } from 'node:crypto';
import { envelopeSchema } from './envelope';
import {
  type AnyMessage,
  isMessageType,
  type MessageData,
  type MessageOf,
  Messages,
  type MessageType,
} from './message-map';

/** A message that cannot be decoded: it goes to the dead-letter topic with this reason. */
export class DecodeError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
    this.name = 'DecodeError';
  }
}

export interface NewMessage<T extends MessageType> {
  type: T;
  tenant: string;
  batchId: string;
  data: MessageData<T>;
  /** Deterministic ids make a re-emitted decision a duplicate that consumers drop. */
  id?: string;
  time?: Date;
}

export function createMessage<T extends MessageType>(input: NewMessage<T>): MessageOf<T> {
  return {
    id: input.id ?? randomUUID(),
    type: input.type,
    version: Messages[input.type].version,
    time: (input.time ?? new Date()).toISOString(),
    tenant: input.tenant,
    batch_id: input.batchId,
    data: input.data,
  };
}

export function encodeMessage(message: AnyMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** Parses and validates one message: envelope first, then the payload against its type's schema. */
export function decodeMessage(value: Buffer | null): AnyMessage {
  if (!value || value.length === 0) throw new DecodeError('empty message');
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new DecodeError(`not JSON (${(error as Error).message})`);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new DecodeError(
      'invalid envelope',
      envelope.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  const { type, version } = envelope.data;
  if (!isMessageType(type)) throw new DecodeError(`unknown message type "${type}"`);
  const definition = Messages[type];
  if (version !== definition.version) {
    throw new DecodeError(
      `unsupported version ${version} of "${type}" (this build reads version ${definition.version})`,
    );
  }
  const data = definition.schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new DecodeError(
      `invalid "${type}" payload`,
      data.error.issues.map((i) => `data.${i.path.join('.')}: ${i.message}`),
    );
  }
  return { ...envelope.data, type, data: data.data } as AnyMessage;
}
