/**
 * Fairness between batches: how long a small batch takes alone, and submitted while a big batch of
 * another tenant runs. Both on the fixture web's slow sites (every response delayed), one scraper
 * (SCRAPER_CONCURRENCY 8), without a dispatch capacity and with SCHEDULER_DISPATCH_CAPACITY 8.
 * Usage: npm run bench -- fairness --big 300 --big-concurrency 100 --small 10 --small-concurrency 5
 */
import { startFixtureWeb } from '../test/fixture-web/fixture-web.server';
import { apiClient, TrawlUnderTest } from '../test/support/trawl-services';
import { numberFlag } from './flags';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Api = ReturnType<typeof apiClient>;

async function submit(api: Api, domains: string[], concurrency: number): Promise<string> {
  const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
    domains,
    max_pages: 3,
    max_concurrent_jobs: concurrency,
  });
  if (created.status !== 202) throw new Error(`POST answered ${created.status}`);
  return created.body.batch_id;
}

/** Seconds from `since` until the batch ends. */
async function untilEnded(api: Api, batchId: string, since: number): Promise<number> {
  for (;;) {
    const { body } = await api<{ end_time: string | null; status: string }>('GET', `/api/v1/batches/${batchId}`);
    if (body.end_time) return (Date.now() - since) / 1000;
    await sleep(100);
  }
}

interface Outcome {
  alone: number;
  contended: number;
  big: number;
}

async function measure(capacity: number, sizes: Record<string, number>): Promise<Outcome> {
  const web = await startFixtureWeb({ hostIdleMs: 0 });
  const trawl = await TrawlUnderTest.start(`bench-fairness-${capacity}`, {
    env: {
      TRAWL_RESOLVE: web.resolveSpec(),
      LOG_LEVEL: 'warn',
      SCRAPER_POLITENESS_DELAY_MS: '0',
      SCRAPER_CONCURRENCY: '8',
      SCHEDULER_DISPATCH_CAPACITY: String(capacity),
    },
  });
  try {
    const bigApi = apiClient(trawl.gatewayUrl, await trawl.apiKey('big-tenant'));
    const smallApi = apiClient(trawl.gatewayUrl, await trawl.apiKey('small-tenant'));
    const slow = (name: string) => `d150-${name}.slow.fixture.test`;
    const smallSites = (run: string) => Array.from({ length: sizes.small! }, (_, i) => slow(`s${run}-${i}`));

    let started = Date.now();
    const alone = await untilEnded(smallApi, await submit(smallApi, smallSites('a'), sizes.smallConcurrency!), started);
    const bigStarted = Date.now();
    const bigId = await submit(
      bigApi,
      Array.from({ length: sizes.big! }, (_, i) => slow(`b-${i}`)),
      sizes.bigConcurrency!,
    );
    await sleep(3_000);
    started = Date.now();
    const contended = await untilEnded(
      smallApi,
      await submit(smallApi, smallSites('b'), sizes.smallConcurrency!),
      started,
    );
    return { alone, contended, big: await untilEnded(bigApi, bigId, bigStarted) };
  } finally {
    await trawl.stop();
    await web.close();
  }
}

async function main(): Promise<void> {
  const sizes = {
    big: numberFlag('big', 300),
    bigConcurrency: numberFlag('big-concurrency', 100),
    small: numberFlag('small', 10),
    smallConcurrency: numberFlag('small-concurrency', 5),
  };
  const rows: string[] = [];
  const capacities = (process.argv[process.argv.indexOf('--capacities') + 1] ?? '').includes(',')
    ? process.argv[process.argv.indexOf('--capacities') + 1]!.split(',').map(Number)
    : [0, 8, 16];
  for (const capacity of capacities) {
    const run = await measure(capacity, sizes);
    rows.push(
      `| ${capacity === 0 ? '0 (max_concurrent_jobs only)' : capacity} | ${run.alone.toFixed(1)} | ` +
        `${run.contended.toFixed(1)} (${(run.contended / run.alone).toFixed(1)}×) | ${run.big.toFixed(1)} |`,
    );
  }
  process.stdout.write(
    [
      `small batch: ${sizes.small} domains, max_concurrent_jobs ${sizes.smallConcurrency}; big batch (another tenant): ` +
        `${sizes.big} domains, max_concurrent_jobs ${sizes.bigConcurrency}; every response delayed 150 ms, max_pages 3, ` +
        'one scraper (SCRAPER_CONCURRENCY 8); the small batch is submitted 3 s after the big one',
      '| SCHEDULER_DISPATCH_CAPACITY | small batch alone, s | small batch beside the big one, s | big batch, s |',
      '| --- | --- | --- | --- |',
      ...rows,
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
