/**
 * The pipeline without the crawl: a 10,000-domain batch from POST to complete, with the scraper
 * replaced by a stub consumer that answers every command at once (domain.started, then
 * domain.scraped with no pages), so the time is the gateway's, the scheduler's, the aggregator's
 * and Kafka's alone. Usage: npm run bench -- pipeline-stub --domains 10000 --concurrency 100
 */
import { loadTrawlConfig } from '@trawl/config';
import { type AnyMessage, createMessage, decodeMessage, topicName } from '@trawl/contracts';
import { createKafka, MessagePublisher } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { apiClient, TrawlUnderTest } from '../test/support/trawl-services';
import { numberFlag } from './flags';

async function main(): Promise<void> {
  const count = numberFlag('domains', 10_000);
  const concurrency = numberFlag('concurrency', 100);
  const trawl = await TrawlUnderTest.start('bench-stub', {
    services: ['gateway', 'scheduler', 'aggregator'],
    env: { LOG_LEVEL: 'warn' },
  });
  const config = loadTrawlConfig(trawl.env);
  const log = createLogger('bench', 'warn');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-stub-scraper', log });
  const publisher = new MessagePublisher(kafka, config.TRAWL_TOPIC_PREFIX, log);
  const stub = kafka.consumer({ groupId: `${config.TRAWL_TOPIC_PREFIX}scraper`, maxWaitTimeInMs: 20 });
  let answered = 0;
  try {
    await stub.connect();
    await stub.subscribe({ topics: [topicName(config.TRAWL_TOPIC_PREFIX, 'domainCommands')], fromBeginning: true });
    await stub.run({
      eachBatch: async ({ batch }) => {
        const replies: AnyMessage[] = [];
        const at = new Date().toISOString();
        for (const raw of batch.messages) {
          const command = decodeMessage(raw.value);
          if (command.type !== 'domain.scrape') continue;
          const { domain, attempt, dispatch_id } = command.data;
          const base = { tenant: command.tenant, batchId: command.batch_id };
          replies.push(
            createMessage({
              ...base,
              type: 'domain.started',
              data: { domain, attempt, dispatch_id, started_at: at, scraper_id: 'stub' },
            }),
            createMessage({
              ...base,
              type: 'domain.scraped',
              data: {
                domain,
                attempt,
                dispatch_id,
                started_at: at,
                finished_at: at,
                pages: [],
                extraction: { emails: [], phones: [], socials: [], technologies: [] },
              },
            }),
          );
        }
        await publisher.publish(replies);
        answered += replies.length / 2;
      },
    });
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('bench'));
    const domains = Array.from({ length: count }, (_, i) => `d${i}.stub.test`);
    const started = Date.now();
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: concurrency,
    });
    if (created.status !== 202) throw new Error(`POST answered ${created.status}`);
    for (;;) {
      const { body } = await api<{ status: string; completed_domains: number }>(
        'GET',
        `/api/v1/batches/${created.body.batch_id}`,
      );
      if (body.status === 'complete') break;
      if (Date.now() - started > 20 * 60_000) throw new Error(`not complete after 20 min: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `${count} domains, max_concurrent_jobs ${concurrency}, stub scraper (${answered} commands answered): ` +
        `POST to complete ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} domains/s, ` +
        `${((count * 3 + 2) / seconds).toFixed(0)} batch events/s)\n`,
    );
  } finally {
    await stub.disconnect();
    await publisher.disconnect();
    await trawl.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
