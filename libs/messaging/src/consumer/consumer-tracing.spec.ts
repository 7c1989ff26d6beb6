import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { createMessage } from '@trawl/contracts';
import { TrawlAttribute } from '@trawl/telemetry';
import { processAttributes, RUN_LINKS_MAX, runSpanOptions, tracedEach } from './consumer-tracing';
import { type Delivered } from './delivery';

const batchId = '0b8f1c9e-8f5e-4a57-9a3e-1f2d3c4b5a69';
const started = createMessage({
  type: 'batch.started',
  tenant: 'acme',
  batchId,
  data: { started_at: new Date().toISOString(), max_attempts: 3 },
});
const delivery = { topic: 'p.batch-events', partition: 2, offset: '41' };
const traceparent = (n: number) =>
  `00-${n.toString(16).padStart(32, '0')}-${(n + 1).toString(16).padStart(16, '0')}-01`;

describe('consumer tracing', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it("names a message's process span by the messaging conventions and Trawl's own attributes", () => {
    expect(processAttributes(started, delivery, 'p.aggregator')).toEqual({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'p.batch-events',
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'p.aggregator',
      'messaging.message.id': started.id,
      'messaging.kafka.offset': 41,
      [TrawlAttribute.messageType]: 'batch.started',
      [TrawlAttribute.messageId]: started.id,
      [TrawlAttribute.batchId]: batchId,
      [TrawlAttribute.tenant]: 'acme',
    });
  });

  it("links a run's span to at most RUN_LINKS_MAX of its messages' traces, skipping those without one", () => {
    const run = Array.from({ length: RUN_LINKS_MAX + 10 }, (_, n): Delivered => ({
      message: started,
      delivery: { ...delivery, offset: String(n) },
      traceHeaders: n === 0 ? {} : { traceparent: traceparent(n) },
    }));
    const options = runSpanOptions(run, 'p.scheduler');
    expect(options.links).toHaveLength(RUN_LINKS_MAX - 1);
    expect(options.links![0]!.context.traceId).toBe(traceparent(1).slice(3, 35));
    expect(options.attributes).toMatchObject({
      'messaging.batch.message_count': RUN_LINKS_MAX + 10,
      'messaging.destination.partition.id': '2',
      'messaging.consumer.group.name': 'p.scheduler',
    });
  });

  it('gives every message of a run its own span unless traceEach narrows it', () => {
    expect(tracedEach('domain.queued', undefined)).toBe(true);
    expect(tracedEach('domain.queued', ['domain.scraped'])).toBe(false);
    expect(tracedEach('domain.scraped', ['domain.scraped'])).toBe(true);
  });
});
