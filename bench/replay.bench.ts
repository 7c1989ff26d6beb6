/**
 * `trawl replay` on a big log: B batches of D domains (requested, started, then queued, started
 * and scraped with one page per domain: 3·D + 2 events a batch) written to batch-events, then the
 * real CLI rebuilds the projection from the earliest offsets into a fresh schema and compares it
 * with the live tables (empty here: every batch is reported as only replayed). Goal: ≥ 20,000
 * events/s on ≥ 1,000,000 events. Usage:
 *   npm run bench -- replay --batches 100 --domains 3333
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadTrawlConfig } from '@trawl/config';
import { createKafka, ensureTopics, MessagePublisher, topicSettings } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { TrawlUnderTest } from '../test/support/trawl-services';
import { batchLog } from './synthetic-log';
import { integerFlag } from './flags';

const run = promisify(execFile);

async function main(): Promise<void> {
  const batches = integerFlag('batches', 100, 1);
  const domains = integerFlag('domains', 3333, 1);
  const trawl = await TrawlUnderTest.start('bench-replay', { services: [], env: { LOG_LEVEL: 'warn' } });
  const config = loadTrawlConfig(trawl.env);
  const log = createLogger('bench', 'warn');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-replay', log });
  const admin = kafka.admin();
  const publisher = new MessagePublisher(kafka, config.TRAWL_TOPIC_PREFIX, log, { maxMessageBytes: 4 * 1024 * 1024 });
  try {
    await admin.connect();
    await ensureTopics(admin, topicSettings(config));
    const writing = Date.now();
    let events = 0;
    for (let b = 0; b < batches; b += 1) {
      const messages = batchLog(domains);
      events += messages.length;
      for (let i = 0; i < messages.length; i += 1000) await publisher.publish(messages.slice(i, i + 1000));
    }
    const wrote = (Date.now() - writing) / 1000;
    process.stdout.write(`wrote ${events} events (${batches} batches x ${domains} domains) in ${wrote.toFixed(1)} s\n`);

    const cli = path.join(__dirname, '../apps/cli/src/main.js');
    const started = Date.now();
    const { stdout } = await run(process.execPath, [cli, 'replay', '--json', '--limit', '0'], {
      env: trawl.env,
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { code?: number; stdout?: string; stderr?: string; message?: string }) => {
      // Exit 1: the projections differ, as they must here (the live one is empty).
      if (error.code === 1 && error.stdout) return { stdout: error.stdout };
      throw new Error(`trawl replay failed: ${error.stderr ?? error.message ?? 'no output'}`);
    });
    const wall = (Date.now() - started) / 1000;
    const summary = JSON.parse(stdout) as {
      events: number;
      seconds: number;
      events_per_second: number;
      batches: { replayed: number };
    };
    process.stdout.write(
      `trawl replay: ${summary.events} events, ${summary.batches.replayed} batches rebuilt in ${summary.seconds} s ` +
        `(${summary.events_per_second} events/s); with the comparison and process start: ${wall.toFixed(1)} s\n`,
    );
  } finally {
    await publisher.disconnect();
    await admin
      .deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(config.TRAWL_TOPIC_PREFIX)) })
      .catch(() => undefined);
    await admin.disconnect();
    await trawl.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
