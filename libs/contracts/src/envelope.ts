import { z } from 'zod';

/** Headers every message carries besides the W3C trace context (traceparent, tracestate). */
export const MessageHeader = {
  type: 'trawl-type',
  version: 'trawl-version',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  deadLetterReason: 'trawl-dlq-reason',
  deadLetterSourceTopic: 'trawl-dlq-source-topic',
  deadLetterSourcePartition: 'trawl-dlq-source-partition',
  deadLetterSourceOffset: 'trawl-dlq-source-offset',
  deadLetterConsumer: 'trawl-dlq-consumer',
  deadLetterAt: 'trawl-dlq-at',
  /** On a message put back from the dead-letter topic: how many times it was. */
  redriveCount: 'trawl-redrive-count',
  /** On a marker in the dead-letter topic: the dead letter ("partition:offset") that was redriven. */
  deadLetterRedrivenOf: 'trawl-dlq-redriven-of',
} as const;

export const isoTime = z.iso.datetime({ offset: true });

/** The envelope around every event and command. `data` is validated against the message's own schema. */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  time: isoTime,
  tenant: z.string().min(1).max(200),
  batch_id: z.uuid(),
  data: z.unknown(),
});

export type RawEnvelope = z.infer<typeof envelopeSchema>;

export interface Envelope<TType extends string, TData> {
  id: string;
  type: TType;
  version: number;
  time: string;
  tenant: string;
  batch_id: string;
  data: TData;
}
