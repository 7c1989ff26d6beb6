import { type Link, SpanKind, type SpanContext, trace } from '@opentelemetry/api';
import { type AnyMessage, type MessageType } from '@trawl/contracts';
import { extractTraceContext, type inSpan, tracer, TrawlAttribute } from '@trawl/telemetry';
import { type Delivered, type DeliveryInfo } from './delivery';

/** A run's span links to at most this many of its messages' traces. */
export const RUN_LINKS_MAX = 128;

/** The attributes of one message's `process` span (OpenTelemetry messaging conventions plus Trawl's). */
export function processAttributes(
  message: AnyMessage,
  delivery: DeliveryInfo,
  groupId: string,
): Record<string, string | number> {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': delivery.topic,
    'messaging.destination.partition.id': String(delivery.partition),
    'messaging.consumer.group.name': groupId,
    'messaging.message.id': message.id,
    'messaging.kafka.offset': Number(delivery.offset),
    [TrawlAttribute.messageType]: message.type,
    [TrawlAttribute.messageId]: message.id,
    [TrawlAttribute.batchId]: message.batch_id,
    [TrawlAttribute.tenant]: message.tenant,
  };
}

type InSpanOptions = Parameters<typeof inSpan>[1];

/** The span of a run handled together: linked to (the first RUN_LINKS_MAX of) its messages' traces. */
export function runSpanOptions(run: readonly Delivered[], groupId: string): InSpanOptions {
  const first = run[0]!.delivery;
  const links: Link[] = run.slice(0, RUN_LINKS_MAX).flatMap(({ traceHeaders }) => {
    const context = trace.getSpanContext(extractTraceContext(traceHeaders));
    return context ? [{ context }] : [];
  });
  return {
    kind: SpanKind.CONSUMER,
    links,
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': first.topic,
      'messaging.destination.partition.id': String(first.partition),
      'messaging.consumer.group.name': groupId,
      'messaging.batch.message_count': run.length,
    },
  };
}

/** Whether a message of a run gets a span of its own (traceEach unset: every one). */
export function tracedEach(type: MessageType, traceEach: readonly MessageType[] | undefined): boolean {
  return !traceEach || traceEach.includes(type);
}

/**
 * After a run was handled together: a `process` span for each of its messages in the message's
 * own trace (a domain attempt's, a batch's), linked to the run's span, so each trace shows where
 * its messages were processed. They share the run's timing; the work is in the run's span.
 */
export function traceEachOf(
  run: readonly Delivered[],
  runSpan: SpanContext,
  startTime: Date,
  groupId: string,
  traceEach: readonly MessageType[] | undefined,
): void {
  const links = trace.isSpanContextValid(runSpan) ? [{ context: runSpan }] : [];
  for (const { message, delivery, traceHeaders } of run) {
    if (!tracedEach(message.type, traceEach)) continue;
    tracer()
      .startSpan(
        `process ${delivery.topic}`,
        { kind: SpanKind.CONSUMER, startTime, links, attributes: processAttributes(message, delivery, groupId) },
        extractTraceContext(traceHeaders),
      )
      .end();
  }
}
