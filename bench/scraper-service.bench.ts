/**
 * The scraper service alone: its real process with Kafka, and no other service. The bench puts one
 * domain.scrape command per bench-web site on domain-commands (all at once, as a scheduler with
 * room for every site would) and reads batch-events until every domain has its outcome. CPU per
 * page is read per thread of the scraper from /proc/<pid>/task, so what the service costs beyond the
 * engine (crawl-engine bench: the same crawl in-process without Kafka) shows, without the scheduler,
 * the aggregator, the gateway and Postgres on the cores. Variants run alternately, each on a fresh
 * scraper: tracing on (the defaults) and off (OTEL_SDK_DISABLED=true).
 * Usage: npm run bench -- scraper-service [--sites 400 --pages 10 --latency 20 --concurrency 20
 *   --variants on,off,off,on]
 */
import { randomUUID } from 'node:crypto';
import { loadTrawlConfig } from '@trawl/config';
import { type AnyMessage, createMessage, decodeMessage, topicName } from '@trawl/contracts';
import { createKafka, MessagePublisher } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import { TrawlUnderTest } from '../test/support/trawl-services';
import { startBenchWeb, type BenchWeb } from './bench-web';
import { machineCpu, rssMb, threadCpuMsByName } from './proc-stats';
import { numberFlag, textFlag } from './flags';

const VARIANT_ENV: Record<string, Record<string, string>> = {
  on: {},
  off: { OTEL_SDK_DISABLED: 'true' },
};

async function run(web: BenchWeb, variant: string, concurrency: number, maxPages: number): Promise<void> {
  const trawl = await TrawlUnderTest.start('bench-scraper', {
    services: ['scraper'],
    env: {
      TRAWL_RESOLVE: web.resolveSpec(),
      SCRAPER_CONCURRENCY: String(concurrency),
      SCRAPER_POLITENESS_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
      ...VARIANT_ENV[variant],
    },
  });
  const config = loadTrawlConfig(trawl.env);
  const log = createLogger('bench', 'warn');
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'bench-scraper-service', log });
  const publisher = new MessagePublisher(kafka, config.TRAWL_TOPIC_PREFIX, log);
  const outcomes = kafka.consumer({ groupId: `bench-outcomes-${randomUUID()}`, maxWaitTimeInMs: 50 });
  try {
    const pid = trawl.processes.get('scraper')?.child.pid;
    if (pid === undefined) throw new Error('the scraper has no pid');
    const batchId = randomUUID();
    const pending = new Set(web.hosts);
    let failed = 0;
    let allDone!: () => void;
    const done = new Promise<void>((resolve) => (allDone = resolve));
    await outcomes.connect();
    await outcomes.subscribe({ topics: [topicName(config.TRAWL_TOPIC_PREFIX, 'batchEvents')], fromBeginning: true });
    await outcomes.run({
      eachMessage: ({ message }) => {
        const event = decodeMessage(message.value);
        if (event.batch_id !== batchId) return Promise.resolve();
        if (event.type === 'domain.scraped' || event.type === 'domain.failed') {
          if (event.type === 'domain.failed') failed += 1;
          pending.delete(event.data.domain);
          if (pending.size === 0) allDone();
        }
        return Promise.resolve();
      },
    });
    const now = new Date();
    const commands: AnyMessage[] = web.hosts.map((domain) =>
      createMessage({
        tenant: 'bench',
        batchId,
        type: 'domain.scrape',
        data: {
          domain,
          attempt: 1,
          dispatch_id: randomUUID(),
          max_pages: maxPages,
          dispatched_at: now.toISOString(),
          expires_at: new Date(now.getTime() + 30 * 60_000).toISOString(),
        },
      }),
    );
    web.resetStats();
    let maxRss = rssMb(pid);
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, rssMb(pid))), 250);
    const cpuBefore = threadCpuMsByName(pid);
    const machineBefore = machineCpu();
    const benchBefore = process.cpuUsage();
    const started = performance.now();
    await publisher.publish(commands);
    await done;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const cpuAfter = threadCpuMsByName(pid);
    const machineAfter = machineCpu();
    const bench = process.cpuUsage(benchBefore);
    const pages = web.stats.pages;
    const perPage = (name: string) => ((cpuAfter.get(name) ?? 0) - (cpuBefore.get(name) ?? 0)) / pages;
    const scraperMs = [...cpuAfter].reduce((sum, [name, ms]) => sum + ms - (cpuBefore.get(name) ?? 0), 0);
    const busy = machineAfter.busyMs - machineBefore.busyMs;
    const total = machineAfter.totalMs - machineBefore.totalMs;
    process.stdout.write(
      `  tracing ${variant.padEnd(3)} ${pages} pages (${failed} domains failed) in ${seconds.toFixed(2)} s, ` +
        `${(pages / seconds).toFixed(0)} pages/s, ${web.stats.meanOpen.toFixed(1)} requests open, ` +
        `${web.stats.meanSiteGapMs.toFixed(1)} ms between a site's requests\n` +
        `    scraper CPU ms/page: main ${perPage('main').toFixed(2)}, parse threads ${perPage('WorkerThread').toFixed(2)}, ` +
        `V8 helpers ${perPage('V8Worker').toFixed(2)}, process ${(scraperMs / pages).toFixed(2)}; ` +
        `bench (web + Kafka client) ${((bench.user + bench.system) / 1000 / pages).toFixed(2)}; ` +
        `machine ${((100 * busy) / total).toFixed(0)}% busy, ${(busy / pages).toFixed(2)} ms/page in all; ` +
        `max scraper RSS ${maxRss.toFixed(0)} MB\n`,
    );
  } finally {
    await outcomes.disconnect();
    await publisher.disconnect();
    await trawl.stop();
  }
}

async function main(): Promise<void> {
  const sites = numberFlag('sites', 400, 1);
  const pagesPerSite = numberFlag('pages', 10, 1);
  const latencyMs = numberFlag('latency', 20);
  const concurrency = numberFlag('concurrency', 20, 1);
  const variants = textFlag('variants', 'on,off,off,on').split(',');
  for (const variant of variants) {
    if (!(variant in VARIANT_ENV)) throw new Error(`--variants: unknown variant ${variant} (on, off)`);
  }
  process.stdout.write(
    `${new Date().toISOString()}: ${sites} sites x ${pagesPerSite} pages, latency ${latencyMs} ms ±50%, ` +
      `SCRAPER_CONCURRENCY ${concurrency}; only the scraper runs (and Kafka)\n`,
  );
  for (const variant of variants) {
    const web = await startBenchWeb({ sites, pagesPerSite, latencyMs, jitter: 0.5 });
    try {
      await run(web, variant, concurrency, pagesPerSite);
    } finally {
      await web.close();
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
