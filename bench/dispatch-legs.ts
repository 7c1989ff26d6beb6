import { randomUUID } from 'node:crypto';
import { type TrawlConfig } from '@trawl/config';
import { type AnyMessage, decodeMessage, topicName } from '@trawl/contracts';
import { createKafka } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';

/** Mean milliseconds of each leg of a slot's round, from the times the events of one batch carry. */
export interface DispatchLegs {
  /** From an attempt's outcome (domain.scraped/failed, made by the scraper) to the scheduler's next domain.queued. */
  schedulerMs: number;
  /** From domain.queued (the scheduler's decision) to that attempt's domain.started (the scraper took it). */
  deliveryMs: number;
  /** From domain.started to the attempt's outcome: the crawl. */
  crawlMs: number;
}

const OUTCOMES = new Set<AnyMessage['type']>(['domain.scraped', 'domain.failed']);

/**
 * Reads the batch's events back from batch-events and splits a job slot's round into its legs. Every
 * event's `time` is its maker's clock (one machine here). The k-th outcome is taken to free the slot
 * the (jobs + k)-th domain.queued took (the first `jobs` fill the slots at the start).
 */
export async function dispatchLegs(
  config: Pick<TrawlConfig, 'KAFKA_BROKERS' | 'TRAWL_TOPIC_PREFIX'>,
  batchId: string,
  jobs: number,
): Promise<DispatchLegs> {
  const log = createLogger('bench', 'warn');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-dispatch-legs', log });
  const consumer = kafka.consumer({ groupId: `bench-dispatch-legs-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const events: AnyMessage[] = [];
  let idle: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topicName(config.TRAWL_TOPIC_PREFIX, 'batchEvents')], fromBeginning: true });
    await new Promise<void>((resolve) => {
      // The log is complete once the batch is terminal: read until nothing came for a second.
      const quiet = () => {
        clearTimeout(idle);
        idle = setTimeout(resolve, 1000);
      };
      quiet();
      void consumer.run({
        eachMessage: ({ message }) => {
          const event = decodeMessage(message.value);
          if (event.batch_id === batchId) events.push(event);
          quiet();
          return Promise.resolve();
        },
      });
    });
  } finally {
    clearTimeout(idle);
    await consumer.disconnect();
  }
  const keyOf = (event: AnyMessage) => {
    const data = event.data as { domain?: string; attempt?: number };
    return `${data.domain}#${data.attempt}`;
  };
  const timeOf = (event: AnyMessage) => Date.parse(event.time);
  const queued = events
    .filter((event) => event.type === 'domain.queued')
    .map(timeOf)
    .sort((a, b) => a - b);
  const outcomes = events
    .filter((event) => OUTCOMES.has(event.type))
    .map(timeOf)
    .sort((a, b) => a - b);
  const startedAt = new Map(
    events.filter((event) => event.type === 'domain.started').map((e) => [keyOf(e), timeOf(e)]),
  );
  const queuedAt = new Map(events.filter((event) => event.type === 'domain.queued').map((e) => [keyOf(e), timeOf(e)]));
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const schedulerGaps = outcomes.slice(0, Math.max(0, queued.length - jobs)).map((at, k) => queued[jobs + k]! - at);
  const deliveries: number[] = [];
  const crawls: number[] = [];
  for (const event of events) {
    if (!OUTCOMES.has(event.type)) continue;
    const key = keyOf(event);
    const started = startedAt.get(key);
    const queuedTime = queuedAt.get(key);
    if (started !== undefined) crawls.push(timeOf(event) - started);
    if (started !== undefined && queuedTime !== undefined) deliveries.push(started - queuedTime);
  }
  return { schedulerMs: mean(schedulerGaps), deliveryMs: mean(deliveries), crawlMs: mean(crawls) };
}
