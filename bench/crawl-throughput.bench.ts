/**
 * The scraper engine against the physical limit: for each latency of the bench web (bench-web.ts),
 * 1. a bare undici loop making exactly the requests Trawl makes per site (robots.txt, /, sitemap.xml,
 *    then the other pages; one at a time per site, --sites-in-flight sites at once);
 * 2. Trawl end to end (four real processes, one batch of all sites, SCRAPER_CONCURRENCY and
 *    max_concurrent_jobs = --sites-in-flight), with CPU per page of each service and the scraper's RSS;
 * 3. once, at the first latency: Trawl again with --rss-concurrency concurrent fetches, for its RSS.
 * Usage: npm run bench -- crawl-throughput [--sites 200 --pages 10 --latencies 20,5 --sites-in-flight 20
 *   --rss-concurrency 100 --jitter 0.5]
 */
import os from 'node:os';
import { Client } from 'pg';
import { loadTrawlConfig } from '@trawl/config';
import { apiClient, TrawlUnderTest, type ServiceName } from '../test/support/trawl-services';
import { bareLoop } from './bare-loop';
import { dispatchLegs } from './dispatch-legs';
import { cpuMsByGroupSince, machineCpu, processCpuMs, processCpuSnapshot, rssMb, type MachineCpu } from './proc-stats';
import { startBenchWeb, type BenchWeb } from './bench-web';
import { numberFlag, textFlag } from './flags';

interface Doc {
  status: string;
  completed_domains: number;
  failed_domains: number;
  pages_scraped: number;
  start_time: string | null;
  end_time: string | null;
}

interface Row {
  latencyMs: number;
  variant: string;
  pages: number;
  seconds: number;
  ratio?: number;
  cpuMsPerPage?: Record<CpuService, number>;
  maxRssMb?: number;
  machine: MachineLoad;
}

const TERMINAL = ['complete', 'partial', 'failed', 'cancelled'];
const CPU_SERVICES = ['scraper', 'scheduler', 'aggregator'] as const;
type CpuService = (typeof CPU_SERVICES)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How busy the whole machine was over a phase: every process on it, the bench's own included. */
interface MachineLoad {
  busyShare: number;
  stealShare: number;
  cpuMsPerPage: number;
}

function machineLoad(before: MachineCpu, pages: number): MachineLoad {
  const after = machineCpu();
  const total = after.totalMs - before.totalMs;
  const busy = after.busyMs - before.busyMs;
  return {
    busyShare: total > 0 ? busy / total : NaN,
    stealShare: total > 0 ? (after.stealMs - before.stealMs) / total : NaN,
    cpuMsPerPage: pages > 0 ? busy / pages : NaN,
  };
}

/** The other processes whose CPU a Trawl run is charged with, by command line (the services' own are read by pid). */
const REST_OF_MACHINE = ['kafka', 'postgres', 'jaeger', 'gateway'] as const;

function restOfMachineGroup(commandLine: string): (typeof REST_OF_MACHINE)[number] | undefined {
  if (commandLine.includes('kafka.Kafka')) return 'kafka';
  if (/(^|\/)postgres(\s|:)/.test(commandLine)) return 'postgres';
  if (/(^|\/)jaeger\s/.test(commandLine)) return 'jaeger';
  if (commandLine.includes('apps/gateway/src/main')) return 'gateway';
  return undefined;
}

function describeMachine(load: MachineLoad): string {
  return (
    `machine ${(100 * load.busyShare).toFixed(0)}% busy (steal ${(100 * load.stealShare).toFixed(1)}%), ` +
    `${load.cpuMsPerPage.toFixed(2)} ms CPU/page in all`
  );
}

async function measuredBareLoop(
  web: BenchWeb,
  sitesInFlight: number,
): Promise<{ seconds: number; pages: number; machine: MachineLoad }> {
  web.resetStats();
  const machineBefore = machineCpu();
  const benchCpuBefore = process.cpuUsage();
  const started = performance.now();
  const { requests, failed } = await bareLoop(web, sitesInFlight);
  const seconds = (performance.now() - started) / 1000;
  const pages = web.stats.pages;
  const machine = machineLoad(machineBefore, pages);
  const benchCpu = process.cpuUsage(benchCpuBefore);
  process.stdout.write(
    `  bare loop: ${requests} requests (${failed} not 200), ${pages} pages, ${seconds.toFixed(2)} s, ` +
      `${(pages / seconds).toFixed(0)} pages/s, ${(web.stats.bytes / seconds / 1e6).toFixed(1)} MB/s, ` +
      `${web.stats.meanOpen.toFixed(1)} requests open on average, ${web.stats.meanSiteGapMs.toFixed(1)} ms between a site's requests\n` +
      `    bench process (web + loop) ${((benchCpu.user + benchCpu.system) / 1000 / pages).toFixed(2)} ms CPU/page; ` +
      `${describeMachine(machine)}\n`,
  );
  return { seconds, pages, machine };
}

async function trawlRun(
  web: BenchWeb,
  options: { concurrency: number; maxPages: number },
): Promise<Omit<Row, 'latencyMs' | 'variant' | 'ratio'>> {
  const trawl = await TrawlUnderTest.start('bench-crawl', {
    env: {
      TRAWL_RESOLVE: web.resolveSpec(),
      SCRAPER_CONCURRENCY: String(options.concurrency),
      SCRAPER_POLITENESS_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
    },
  });
  let sampler: NodeJS.Timeout | undefined;
  try {
    const pid = (name: ServiceName): number => {
      const value = trawl.processes.get(name)?.child.pid;
      if (value === undefined) throw new Error(`${name} has no pid`);
      return value;
    };
    const pids = Object.fromEntries(CPU_SERVICES.map((name) => [name, pid(name)])) as Record<CpuService, number>;
    const api = apiClient(trawl.gatewayUrl, await trawl.apiKey('bench'));
    const jobs = Math.min(options.concurrency, 100); // the gateway's limit for max_concurrent_jobs

    let maxRss = rssMb(pids.scraper);
    sampler = setInterval(() => {
      try {
        maxRss = Math.max(maxRss, rssMb(pids.scraper));
      } catch {
        // the scraper exited; the poll below reports it through the batch status
      }
    }, 250);
    web.resetStats();
    const cpuBefore = CPU_SERVICES.map((name) => processCpuMs(pids[name]));
    const benchCpuBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const processesBefore = processCpuSnapshot(restOfMachineGroup);
    const started = performance.now();
    const created = await api<{ batch_id: string }>('POST', '/api/v1/batches', {
      domains: web.hosts,
      max_pages: options.maxPages,
      max_concurrent_jobs: jobs,
    });
    if (created.status !== 202) throw new Error(`POST answered ${created.status}: ${JSON.stringify(created.body)}`);
    let doc: Doc;
    for (;;) {
      doc = (await api<Doc>('GET', `/api/v1/batches/${created.body.batch_id}`)).body;
      if (TERMINAL.includes(doc.status)) break;
      if (performance.now() - started > 10 * 60_000) {
        throw new Error(`batch not terminal after 10 minutes: ${JSON.stringify(doc)}`);
      }
      await sleep(200);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = CPU_SERVICES.map((name) => processCpuMs(pids[name]));
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const pages = web.stats.pages;
    const machine = machineLoad(machineBefore, pages);
    const rest = cpuMsByGroupSince(processesBefore, processCpuSnapshot(restOfMachineGroup));
    clearInterval(sampler);
    maxRss = Math.max(maxRss, rssMb(pids.scraper));

    const perPage = (ms: number) => (pages > 0 ? ms / pages : NaN);
    const cpuMsPerPage = Object.fromEntries(
      CPU_SERVICES.map((name, i) => [name, perPage(cpuAfter[i]! - cpuBefore[i]!)]),
    ) as Record<CpuService, number>;
    const crawlSeconds =
      doc.start_time && doc.end_time ? (Date.parse(doc.end_time) - Date.parse(doc.start_time)) / 1000 : NaN;
    const slots = await slotOccupancy(trawl.env.DATABASE_URL!, created.body.batch_id, jobs);
    const legs = await dispatchLegs(loadTrawlConfig(trawl.env), created.body.batch_id, jobs);
    process.stdout.write(
      [
        `  trawl (SCRAPER_CONCURRENCY ${options.concurrency}, max_concurrent_jobs ${jobs}): ${doc.status}, ` +
          `${doc.completed_domains} completed, ${doc.failed_domains} failed, pages_scraped ${doc.pages_scraped}`,
        `    pages served ${pages} (${options.maxPages} x completed = ${options.maxPages * doc.completed_domains}), ` +
          `requests ${web.stats.requests}; POST to terminal ${seconds.toFixed(2)} s (${(pages / seconds).toFixed(0)} pages/s), ` +
          `start_time to end_time ${crawlSeconds.toFixed(2)} s, ${web.stats.meanOpen.toFixed(1)} requests open on average, ` +
          `${web.stats.meanSiteGapMs.toFixed(1)} ms between a site's requests`,
        `    CPU ms/page: ${CPU_SERVICES.map((name) => `${name} ${cpuMsPerPage[name].toFixed(2)}`).join(', ')}; ` +
          `bench process (web + poll) ${perPage((benchCpu.user + benchCpu.system) / 1000).toFixed(2)}; ` +
          `max scraper RSS ${maxRss.toFixed(0)} MB`,
        `    slots: ${(100 * slots.occupancy).toFixed(0)}% of the ${jobs} job slots held by an attempt (started to ` +
          `finished); between two attempts a slot waits ${slots.meanGapMs.toFixed(0)} ms on average; an attempt takes ` +
          `${slots.meanAttemptMs.toFixed(0)} ms`,
        `    a slot's round, from the events' times: outcome to the next domain.queued ${legs.schedulerMs.toFixed(1)} ms ` +
          `(scheduler), domain.queued to domain.started ${legs.deliveryMs.toFixed(1)} ms (command to a scraper), ` +
          `domain.started to outcome ${legs.crawlMs.toFixed(0)} ms (crawl)`,
        `    ${describeMachine(machine)}; of it, CPU ms/page: ` +
          REST_OF_MACHINE.map((group) => `${group} ${perPage(rest.get(group) ?? 0).toFixed(2)}`).join(', ') +
          ` (every process by command line; one that ended during the run is not counted)`,
      ].join('\n') + '\n',
    );
    return { pages, seconds, cpuMsPerPage, maxRssMb: maxRss, machine };
  } finally {
    clearInterval(sampler);
    await trawl.stop();
  }
}

/**
 * How busy the batch's max_concurrent_jobs slots were, from the projection's per-domain times: the
 * share of slot time between the first start and the last finish that an attempt held (started_at to
 * finished_at, the scraper's clock), and the mean wait of a slot between two attempts (the dispatch
 * round trip: outcome to scheduler, command to scraper, domain.started).
 */
async function slotOccupancy(
  databaseUrl: string,
  batchId: string,
  jobs: number,
): Promise<{ occupancy: number; meanGapMs: number; meanAttemptMs: number }> {
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ attempts: string; held_ms: number; span_ms: number }>(
      `select count(*) as attempts,
         sum(extract(epoch from finished_at - started_at) * 1000)::float8 as held_ms,
         (extract(epoch from max(finished_at) - min(started_at)) * 1000)::float8 as span_ms
       from batch_domains where batch_id = $1 and started_at is not null and finished_at is not null`,
      [batchId],
    );
    const { attempts, held_ms: heldMs, span_ms: spanMs } = rows[0]!;
    const count = Number(attempts);
    const slotMs = jobs * spanMs;
    return { occupancy: heldMs / slotMs, meanGapMs: (slotMs - heldMs) / count, meanAttemptMs: heldMs / count };
  } finally {
    await sql.end();
  }
}

function table(rows: Row[]): string {
  const header = [
    'latency',
    'variant',
    'pages',
    'seconds',
    'pages/s',
    'ratio to bare',
    'CPU ms/page scraper/scheduler/aggregator/sum',
    'max scraper RSS MB',
    'machine busy, CPU ms/page in all',
  ];
  const lines = rows.map((row) => {
    const cpu = row.cpuMsPerPage;
    return [
      `${row.latencyMs} ms`,
      row.variant,
      String(row.pages),
      row.seconds.toFixed(2),
      (row.pages / row.seconds).toFixed(0),
      row.ratio === undefined ? '-' : row.ratio.toFixed(2),
      cpu
        ? [...CPU_SERVICES.map((name) => cpu[name]), CPU_SERVICES.reduce((sum, name) => sum + cpu[name], 0)]
            .map((ms) => ms.toFixed(2))
            .join(' / ')
        : '-',
      row.maxRssMb === undefined ? '-' : row.maxRssMb.toFixed(0),
      `${(100 * row.machine.busyShare).toFixed(0)}%, ${row.machine.cpuMsPerPage.toFixed(2)}`,
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((cells) => cells[i]!.length)));
  // A Markdown table, ready for bench/README.md.
  const format = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
}

async function main(): Promise<void> {
  const sites = numberFlag('sites', 200);
  const pagesPerSite = numberFlag('pages', 10);
  const latencies = textFlag('latencies', '20,5')
    .split(',')
    .map((value) => Number(value.trim()));
  const sitesInFlight = numberFlag('sites-in-flight', 20);
  const rssConcurrency = numberFlag('rss-concurrency', 100);
  const jitter = numberFlag('jitter', 0.5);
  if (latencies.some((ms) => !Number.isFinite(ms) || ms < 0)) throw new Error('--latencies: e.g. 20,5');

  process.stdout.write(
    `${new Date().toISOString()}, os.availableParallelism() ${os.availableParallelism()}, ` +
      `${sites} sites x ${pagesPerSite} pages, ${sitesInFlight} sites in flight, latency ±${jitter * 100}% (uniform)\n`,
  );
  const rows: Row[] = [];
  for (const [run, latencyMs] of latencies.entries()) {
    process.stdout.write(`latency ${latencyMs} ms\n`);
    const web = await startBenchWeb({ sites, pagesPerSite, latencyMs, jitter });
    try {
      const bare = await measuredBareLoop(web, sitesInFlight);
      const barePagesPerSecond = bare.pages / bare.seconds;
      rows.push({ latencyMs, variant: 'bare undici loop', ...bare });
      const variants = [sitesInFlight, ...(run === 0 && rssConcurrency > 0 ? [rssConcurrency] : [])];
      for (const concurrency of variants) {
        const result = await trawlRun(web, { concurrency, maxPages: pagesPerSite });
        rows.push({
          latencyMs,
          variant: `trawl, ${concurrency} fetches`,
          ratio: result.pages / result.seconds / barePagesPerSecond,
          ...result,
        });
      }
    } finally {
      await web.close();
    }
  }
  process.stdout.write(`\n${table(rows)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
