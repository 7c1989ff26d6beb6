/**
 * End-to-end throughput: one batch of N healthy fixture sites (loopback) through all four
 * services on the real stack, from POST to a complete status. Prints wall time, domains/s and
 * how far the projection lagged behind the scrapers. Usage: npm run bench -- batch-throughput --domains 1000
 */
import { startFixtureWeb } from '../test/fixture-web/fixture-web.server';
import { apiClient, TrawlUnderTest } from '../test/support/trawl-services';
import { numberFlag } from './flags';

interface Doc {
  status: string;
  completed_domains: number;
  start_time: string;
  end_time: string;
}

async function main(): Promise<void> {
  const count = numberFlag('domains', 500);
  const concurrency = numberFlag('concurrency', 50);
  const web = await startFixtureWeb();
  const trawl = await TrawlUnderTest.start('bench-throughput', {
    env: { TRAWL_RESOLVE: web.resolveSpec(), SCRAPER_CONCURRENCY: '32', LOG_LEVEL: 'warn' },
  });
  try {
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('bench'));
    const domains = Array.from({ length: count }, (_, i) => `t${i}.ok.fixture.test`);
    const started = Date.now();
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains,
      max_pages: 1,
      max_concurrent_jobs: concurrency,
    });
    if (created.status !== 202) throw new Error(`POST answered ${created.status}`);
    let doc: Doc;
    for (;;) {
      doc = (await api<Doc>('GET', `/api/v1/batches/${created.body.batch_id}`)).body;
      if (['complete', 'partial', 'failed', 'cancelled'].includes(doc.status)) break;
      if (Date.now() - started > 15 * 60_000) throw new Error('not done after 15 minutes');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (Date.now() - started) / 1000;
    const crawlSeconds = (Date.parse(doc.end_time) - Date.parse(doc.start_time)) / 1000;
    process.stdout.write(
      [
        `${count} domains (1 page each, max_concurrent_jobs ${concurrency}, one scraper with 32 slots): ${doc.status}, ${doc.completed_domains} succeeded`,
        `POST to complete as seen by a client: ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} domains/s); start_time to end_time: ${crawlSeconds.toFixed(1)} s`,
        `requests the sites served: ${web.stats.requests} (robots.txt and pages)`,
      ].join('\n') + '\n',
    );
  } finally {
    await trawl.stop();
    await web.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
