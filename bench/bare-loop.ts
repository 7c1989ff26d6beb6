/**
 * The physical limit of the crawl benches: a bare undici.request loop making exactly the requests
 * Trawl makes per site (robots.txt, /, sitemap.xml, then the other pages), one at a time per site,
 * `sitesInFlight` sites at once, every body read in full.
 */
import { Agent, buildConnector, request } from 'undici';
import type { BenchWeb } from './bench-web';

// Same headers as the scraper's requests (apps/scraper/src/crawl/fetch/http.client.ts).
const HEADERS = {
  'user-agent': 'TrawlBench/1.0 (bare loop)',
  accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
  'accept-encoding': 'gzip, deflate, br',
  'accept-language': 'en;q=0.9, *;q=0.5',
};

/** Runs `work` on each of `items`, `count` at a time, in order of start. */
export async function eachInFlight<T>(
  count: number,
  items: readonly T[],
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: count }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function bareLoop(web: BenchWeb, sitesInFlight: number): Promise<{ requests: number; failed: number }> {
  const connect = buildConnector({});
  // Like TRAWL_RESOLVE: URL and Host keep the site's name, the connection goes to the bench web.
  // Connection settings as in the scraper's createCrawlAgent.
  const agent = new Agent({
    connect: (options, callback) => connect({ ...options, hostname: '127.0.0.1', port: String(web.port) }, callback),
    keepAliveTimeout: 4_000,
    connections: 2,
  });
  let requests = 0;
  let failed = 0;
  try {
    await eachInFlight(sitesInFlight, web.hosts, async (host) => {
      const [home, ...others] = web.pageUrls(host);
      for (const url of [`http://${host}/robots.txt`, home!, `http://${host}/sitemap.xml`, ...others]) {
        const { statusCode, body } = await request(url, { dispatcher: agent, headers: HEADERS });
        await body.arrayBuffer();
        requests += 1;
        if (statusCode !== 200) failed += 1;
      }
    });
  } finally {
    await agent.close();
  }
  return { requests, failed };
}
