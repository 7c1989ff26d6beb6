import { randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { type Kafka, type ProducerBatch } from 'kafkajs';
import { type AnyMessage, createMessage } from '@trawl/contracts';
import { createLogger } from '@trawl/telemetry';
import { MessagePublisher } from './message-publisher';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});

afterAll(() => {
  trace.disable();
  propagation.disable();
});

/** A Kafka whose producer records what it was asked to send. */
function fakeKafka(sent: ProducerBatch[]): Kafka {
  const producer = {
    events: { DISCONNECT: 'producer.disconnect' },
    on: () => () => undefined,
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    sendBatch: (batch: ProducerBatch) => {
      sent.push(batch);
      return Promise.resolve([]);
    },
  };
  return { producer: () => producer } as unknown as Kafka;
}

const queued = (domain: string): AnyMessage =>
  createMessage({
    type: 'domain.queued',
    tenant: 't',
    batchId: 'b1',
    data: { domain, attempt: 1, dispatch_id: randomUUID() },
  });

describe('MessagePublisher: the trace each message is sent in', () => {
  it('sends a call as one request, in order, with one producer span per parent context', async () => {
    exporter.reset();
    const sent: ProducerBatch[] = [];
    const publisher = new MessagePublisher(fakeKafka(sent), 'trawl.', createLogger('test', 'silent'));
    const tracer = provider.getTracer('test');
    const [a, b] = [tracer.startSpan('dispatch a', { root: true }), tracer.startSpan('dispatch b', { root: true })];
    const parents = new Map<string, typeof a>([
      ['a.test', a],
      ['b.test', b],
      ['c.test', a],
    ]);
    const messages = ['a.test', 'b.test', 'c.test'].map(queued);
    await publisher.publish(messages, {
      parentOf: (message) => {
        const domain = (message.data as { domain: string }).domain;
        return trace.setSpan(context.active(), parents.get(domain)!);
      },
    });

    // parentOf returned a new context object each time, so each message has its own producer span.
    const records = sent.flatMap((batch) => batch.topicMessages!.flatMap((topic) => topic.messages));
    expect(sent).toHaveLength(1);
    expect(records.map((record) => (JSON.parse(String(record.value)) as AnyMessage).id)).toEqual(
      messages.map((message) => message.id),
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.every((span) => span.name === 'send trawl.batch-events' && span.kind === SpanKind.PRODUCER)).toBe(
      true,
    );
    const traceOf = (index: number) => String(records[index]!.headers!.traceparent).split('-')[1];
    const spanOf = (index: number) => String(records[index]!.headers!.traceparent).split('-')[2];
    expect(traceOf(0)).toBe(a.spanContext().traceId);
    expect(traceOf(1)).toBe(b.spanContext().traceId);
    expect(traceOf(2)).toBe(a.spanContext().traceId);
    for (const index of [0, 1, 2]) {
      const producer = spans.find((span) => span.spanContext().spanId === spanOf(index))!;
      expect(producer.parentSpanContext?.spanId).toBe((index === 1 ? b : a).spanContext().spanId);
      expect(producer.attributes['messaging.message.id']).toBe(messages[index]!.id);
    }
  });

  it('puts messages with the same parent context under one producer span', async () => {
    exporter.reset();
    const sent: ProducerBatch[] = [];
    const publisher = new MessagePublisher(fakeKafka(sent), 'trawl.', createLogger('test', 'silent'));
    const root = provider.getTracer('test').startSpan('run', { root: true });
    const parent = trace.setSpan(context.active(), root);
    await publisher.publish(['a.test', 'b.test'].map(queued), { parentOf: () => parent });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes['messaging.batch.message_count']).toBe(2);
    expect(spans[0]!.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  });
});
