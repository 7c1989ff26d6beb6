/**
 * The steady state of the log's in-order consumers: a synthetic batch-events log (B batches of D
 * domains: requested, started, then queued, started and scraped with one page per domain) is
 * written to Kafka first; then a real aggregator (or scheduler) process starts on it and the bench
 * times it until every batch is complete in its tables. The scheduler also sends a command per
 * domain (nobody consumes them) and reads its own events back. Run once per
 * TRAWL_CONSUMER_MAX_BATCH (1 = one transaction per event, as before batched folds). Usage:
 *   npm run bench -- projection-throughput --services aggregator,scheduler --batches 20 --domains 1000 --max-batch 1,500
 */
import pg from 'pg';
import { loadTrawlConfig } from '@trawl/config';
import { createKafka, ensureTopics, MessagePublisher, topicSettings } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { TrawlUnderTest } from '../test/support/trawl-services';
import { batchLog } from './synthetic-log';
import { integerFlag, textFlag } from './flags';

const log = createLogger('bench', 'warn');

type Consumer = 'aggregator' | 'scheduler';
const DONE: Record<Consumer, string> = {
  aggregator: `select count(*)::int as n from batches where status = 'complete'`,
  scheduler: `select count(*)::int as n from scheduler_batches where finished`,
};

async function run(service: Consumer, maxBatch: string, batches: number, domains: number): Promise<void> {
  const trawl = await TrawlUnderTest.start(`bench-${service}-${maxBatch}`, {
    services: [],
    env: { TRAWL_CONSUMER_MAX_BATCH: maxBatch, LOG_LEVEL: 'warn' },
  });
  const config = loadTrawlConfig(trawl.env);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench', log });
  const admin = kafka.admin();
  const publisher = new MessagePublisher(kafka, config.TRAWL_TOPIC_PREFIX, log, { maxMessageBytes: 4 * 1024 * 1024 });
  const db = new pg.Client({ connectionString: trawl.db.url });
  try {
    await admin.connect();
    await ensureTopics(admin, topicSettings(config));
    let events = 0;
    for (let b = 0; b < batches; b += 1) {
      const messages = batchLog(domains);
      events += messages.length;
      for (let i = 0; i < messages.length; i += 500) await publisher.publish(messages.slice(i, i + 500));
    }
    // From the process start: whatever it projects while starting up counts too.
    const started = Date.now();
    await trawl.launch(service);
    const ready = (Date.now() - started) / 1000;
    await db.connect();
    for (;;) {
      const { rows } = await db.query<{ n: number }>(DONE[service]);
      if (rows[0]!.n === batches) break;
      if (Date.now() - started > 20 * 60_000) throw new Error(`only ${rows[0]!.n} of ${batches} complete after 20 min`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${service.padEnd(10)} TRAWL_CONSUMER_MAX_BATCH=${maxBatch.padEnd(5)} ${events} events (${batches} batches x ${domains} domains) ` +
        `projected in ${seconds.toFixed(1)} s from the process start (ready after ${ready.toFixed(1)} s): ` +
        `${(events / seconds).toFixed(0)} events/s, ${(events / Math.max(0.1, seconds - ready)).toFixed(0)} events/s after ready\n`,
    );
  } finally {
    await db.end().catch(() => undefined);
    await publisher.disconnect();
    await admin.disconnect();
    await trawl.stop();
  }
}

async function main(): Promise<void> {
  const batches = integerFlag('batches', 20, 1);
  const domains = integerFlag('domains', 1000, 1);
  for (const service of textFlag('services', 'aggregator,scheduler').split(',') as Consumer[]) {
    for (const maxBatch of textFlag('max-batch', '1,500').split(',')) await run(service, maxBatch, batches, domains);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
