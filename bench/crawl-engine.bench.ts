/**
 * The crawl engine alone: `crawlDomain` with its parse pool, in this process, against the bench web
 * (bench-web.ts), without Kafka, the services or tracing; beside the bare undici loop making the same
 * requests (bare-loop.ts), in the same run. CPU per page is read per thread from /proc/self/task, so
 * the engine's main-thread cost and its parse threads' cost come apart; the bench web runs in this
 * process too, its cost is the bare loop's. What the scraper service spends beyond these figures is
 * Kafka, Nest, tracing and the contention of the other processes.
 * Usage: npm run bench -- crawl-engine [--sites 400 --pages 10 --latency 20 --sites-in-flight 20 --runs 2]
 */
import { crawlDomain, ParsePool, parseResolveOverrides } from '../apps/scraper/src/crawl';
import { bareLoop, eachInFlight } from './bare-loop';
import { startBenchWeb, type BenchWeb } from './bench-web';
import { threadCpuMsByName } from './proc-stats';
import { numberFlag } from './flags';

function cpuDelta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [name, ms] of after) delta.set(name, ms - (before.get(name) ?? 0));
  return delta;
}

async function engineLoop(web: BenchWeb, sitesInFlight: number, pool: ParsePool, maxPages: number): Promise<number> {
  const resolver = parseResolveOverrides(web.resolveSpec());
  let failed = 0;
  await eachInFlight(sitesInFlight, web.hosts, async (host) => {
    try {
      await crawlDomain(host, {
        maxPages,
        userAgent: 'TrawlBench/1.0 (crawl engine)',
        pageTimeoutMs: 15_000,
        domainTimeoutMs: 120_000,
        maxPageBytes: 5 * 1024 * 1024,
        politenessDelayMs: 0,
        maxCrawlDelayMs: 0,
        parser: pool,
        resolver,
      });
    } catch {
      failed += 1;
    }
  });
  return failed;
}

async function measure(label: string, web: BenchWeb, run: () => Promise<void>): Promise<void> {
  web.resetStats();
  const before = threadCpuMsByName();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuDelta(before, threadCpuMsByName());
  const pages = web.stats.pages;
  const perPage = (ms: number | undefined) => ((ms ?? 0) / pages).toFixed(2);
  const total = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
  process.stdout.write(
    `  ${label.padEnd(11)} ${pages} pages in ${seconds.toFixed(2)} s, ${(pages / seconds).toFixed(0)} pages/s, ` +
      `${web.stats.meanOpen.toFixed(1)} requests open, ${web.stats.meanSiteGapMs.toFixed(1)} ms between a site's requests; CPU ms/page: main thread ${perPage(cpu.get('main'))}, ` +
      `parse threads ${perPage(cpu.get('WorkerThread'))}, V8 helpers ${perPage(cpu.get('V8Worker'))}, ` +
      `process ${perPage(total)}\n`,
  );
}

async function main(): Promise<void> {
  const sites = numberFlag('sites', 400);
  const pagesPerSite = numberFlag('pages', 10);
  const latencyMs = numberFlag('latency', 20);
  const sitesInFlight = numberFlag('sites-in-flight', 20);
  const runs = numberFlag('runs', 2);
  process.stdout.write(
    `${new Date().toISOString()}: ${sites} sites x ${pagesPerSite} pages, latency ${latencyMs} ms ±50%, ` +
      `${sitesInFlight} sites in flight; the bench web runs in this process (its CPU is in every row)\n`,
  );
  const web = await startBenchWeb({ sites, pagesPerSite, latencyMs, jitter: 0.5 });
  const pool = new ParsePool({ threads: 0, taskBudgetMs: 2_000 });
  try {
    for (let run = 1; run <= runs; run += 1) {
      await measure('bare loop', web, async () => {
        await bareLoop(web, sitesInFlight);
      });
      await measure('engine', web, async () => {
        const failed = await engineLoop(web, sitesInFlight, pool, pagesPerSite);
        if (failed > 0) process.stdout.write(`  (${failed} crawls failed)\n`);
      });
    }
  } finally {
    await pool.close();
    await web.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
