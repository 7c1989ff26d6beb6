/**
 * What a page's parse task costs on its own, and what the parse pool adds: the same page tasks (the
 * bench web's pages, fetched once) run on this thread, then through the pool, one task at a time and
 * with the pool kept busy. CPU per task is read per thread from /proc/self/task. Then the pages of
 * --crawls sites in turn (as that many crawls in flight send them), each site's robots.txt grown to
 * --robots-kb of rules, through a pool whose threads keep 64 parsed robots.txt (as before
 * robotsKeptFor) and through one sized for the crawls in flight.
 * Usage: npm run bench -- parse-pool [--sites 200 --pages 10 --rounds 3 --crawls 100 --robots-kb 20]
 */
import { request } from 'undici';
import { ParsePool, robotsKeptFor } from '../apps/scraper/src/crawl';
import { DEFAULT_ROBOTS_KEPT, type RobotsKept } from '../apps/scraper/src/crawl/parse/parsed-robots';
import type { PageTask } from '../apps/scraper/src/crawl/parse/parse.tasks';
import { runParseTask } from '../apps/scraper/src/crawl/parse/parse.tasks';
import { eachInFlight } from './bare-loop';
import { startBenchWeb } from './bench-web';
import { threadCpuMsByName } from './proc-stats';
import { numberFlag } from './flags';

interface FetchedPage {
  url: string;
  body: Buffer;
  contentType: string;
  headers: Record<string, string>;
  robotsText: string;
}

async function fetchPages(sites: number, pagesPerSite: number): Promise<FetchedPage[]> {
  const web = await startBenchWeb({ sites, pagesPerSite, latencyMs: 0, jitter: 0 });
  const get = async (host: string, path: string) => {
    const response = await request(`http://127.0.0.1:${web.port}${path}`, { headers: { host } });
    const body = Buffer.from(await response.body.arrayBuffer());
    return { body, headers: response.headers as Record<string, string> };
  };
  const pages: FetchedPage[] = [];
  for (const host of web.hosts) {
    const robotsText = (await get(host, '/robots.txt')).body.toString('utf8');
    for (const url of web.pageUrls(host)) {
      const { body, headers } = await get(host, new URL(url).pathname);
      pages.push({ url, body, contentType: headers['content-type'] ?? '', headers, robotsText });
    }
  }
  await web.close();
  return pages;
}

/** A fresh task per run: the pool moves the body's buffer to the thread. */
function taskOf(page: FetchedPage): PageTask {
  const origin = new URL(page.url).origin;
  return {
    task: 'page',
    url: page.url,
    body: new Uint8Array(page.body),
    contentType: page.contentType,
    requireMarkup: false,
    headers: page.headers,
    robots: { robotsId: origin, origin, text: page.robotsText, productToken: 'TrawlBench' },
  };
}

async function measure(label: string, tasks: number, run: () => Promise<void>): Promise<void> {
  const before = threadCpuMsByName();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const after = threadCpuMsByName();
  const delta = (name: string) => ((after.get(name) ?? 0) - (before.get(name) ?? 0)) / tasks;
  process.stdout.write(
    `  ${label.padEnd(34)} ${tasks} tasks in ${seconds.toFixed(2)} s; CPU ms/task: this thread ${delta('main').toFixed(3)}, ` +
      `parse threads ${delta('WorkerThread').toFixed(3)}, V8 helpers ${delta('V8Worker').toFixed(3)}\n`,
  );
}

function inFlight(pool: ParsePool, pages: FetchedPage[], concurrency: number): Promise<void> {
  return eachInFlight(concurrency, pages, async (page) => {
    await pool.run(taskOf(page));
  });
}

/** A robots.txt of about `kb` KB: the site's own rules, then rules for sections no page is in. */
function grownRobots(text: string, kb: number): string {
  const lines = [text.trimEnd(), 'User-agent: *'];
  let bytes = text.length;
  for (let section = 0; bytes < kb * 1024; section += 1) {
    const rule = `Disallow: /archive-${section}/*?sort=*&page=`;
    lines.push(rule);
    bytes += rule.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** The pages of `crawls` sites at a time, page by page in turn, as crawls in flight send them. */
function inTurn(pages: FetchedPage[], crawls: number): FetchedPage[] {
  const bySite = new Map<string, FetchedPage[]>();
  for (const page of pages) {
    const host = new URL(page.url).host;
    const site = bySite.get(host);
    if (site) site.push(page);
    else bySite.set(host, [page]);
  }
  const sites = [...bySite.values()];
  const ordered: FetchedPage[] = [];
  for (let first = 0; first < sites.length; first += crawls) {
    const group = sites.slice(first, first + crawls);
    const longest = Math.max(...group.map((site) => site.length));
    for (let index = 0; index < longest; index += 1) {
      for (const site of group) if (site[index]) ordered.push(site[index]!);
    }
  }
  return ordered;
}

async function crawlsInTurn(pages: FetchedPage[], crawls: number, robotsKb: number, rounds: number): Promise<void> {
  // One grown robots.txt per site (its pages share the text), not one per page.
  const grownBySite = new Map<string, string>();
  const grownFor = (text: string) => {
    let grown = grownBySite.get(text);
    if (grown === undefined) grownBySite.set(text, (grown = grownRobots(text, robotsKb)));
    return grown;
  };
  const grown = inTurn(pages, crawls).map((page) => ({ ...page, robotsText: grownFor(page.robotsText) }));
  process.stdout.write(
    `pages of ${crawls} crawls in turn, robots.txt of ${robotsKb} KB, ${grown.length} pages, 2 x threads in flight\n`,
  );
  const variants: [string, RobotsKept][] = [
    ['threads keep 64 robots.txt', DEFAULT_ROBOTS_KEPT],
    [`threads keep robotsKeptFor(${crawls})`, robotsKeptFor(crawls)],
  ];
  for (let round = 1; round <= rounds; round += 1) {
    for (const [label, robotsKept] of variants) {
      const pool = new ParsePool({ threads: 0, taskBudgetMs: 5_000, robotsKept });
      await inFlight(pool, pages.slice(0, 200), pool.threads * 2); // warm the threads' JIT
      await measure(label, grown.length, () => inFlight(pool, grown, pool.threads * 2));
      await pool.close();
    }
  }
}

async function main(): Promise<void> {
  const sites = numberFlag('sites', 200, 1);
  const pagesPerSite = numberFlag('pages', 10, 1);
  const rounds = numberFlag('rounds', 3, 1);
  const pages = await fetchPages(sites, pagesPerSite);
  const kb = pages.reduce((sum, page) => sum + page.body.length, 0) / pages.length / 1024;
  process.stdout.write(
    `${new Date().toISOString()}: ${pages.length} bench-web pages, ${kb.toFixed(1)} KB on average\n`,
  );
  for (const page of pages.slice(0, 500)) runParseTask(taskOf(page)); // warm the JIT of this thread
  const pool = new ParsePool({ threads: 0, taskBudgetMs: 5_000 });
  await inFlight(pool, pages.slice(0, 500), pool.threads * 2); // and of the pool's threads
  for (let round = 1; round <= rounds; round += 1) {
    process.stdout.write(`round ${round}\n`);
    await measure('on this thread', pages.length, () => {
      for (const page of pages) runParseTask(taskOf(page));
      return Promise.resolve();
    });
    await measure('pool, one task at a time', pages.length, () => inFlight(pool, pages, 1));
    await measure(`pool, ${pool.threads * 2} tasks in flight`, pages.length, () =>
      inFlight(pool, pages, pool.threads * 2),
    );
  }
  await pool.close();
  await crawlsInTurn(pages, numberFlag('crawls', 100, 1), numberFlag('robots-kb', 20, 0), rounds);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
