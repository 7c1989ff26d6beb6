import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CRAWL_DELAY_SECONDS, EMOJI_TITLE, type CpuAttack } from '../../../../test/fixture-web/cpu-attack.sites';
import { fixtureHost, startFixtureWeb, type FixtureWeb } from '../../../../test/fixture-web/fixture-web.server';
import { crawlDomain, type CrawlOptions, type CrawlResult } from './index';
import { ParsePool } from './parse/parse.pool';
import { crawlError, fixtureCrawlOptions } from './testing/crawl-test-kit';

jest.setTimeout(60_000);

let fixture: FixtureWeb;

beforeAll(async () => {
  fixture = await startFixtureWeb({ hostIdleMs: 50 });
});
afterAll(async () => {
  await fixture.close();
});

function options(overrides: Partial<CrawlOptions> = {}): CrawlOptions {
  return fixtureCrawlOptions(fixture.resolveSpec(), { maxPages: 4, domainTimeoutMs: 30_000, ...overrides });
}

/** Crawls one attack site while watching the event loop: the longest stall, in ms. */
async function crawlWatched(attack: CpuAttack, overrides: Partial<CrawlOptions> = {}) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    const result = await crawlDomain(fixtureHost('cpu', attack), options(overrides));
    return { result, stallMs: delay.max / 1e6 };
  } finally {
    delay.disable();
  }
}

const titles = (result: CrawlResult) => result.pages.map((page) => page.title);

// The old engine stalled the event loop for seconds to minutes on each of these; the bound below
// leaves room for a loaded CI machine while still telling "never blocked" from "blocked".
const STALL_BOUND_MS = 400;

describe('content built to burn CPU', () => {
  it('a sitemap with an unclosed <loc> and a megabyte of text is ignored, and the site is crawled', async () => {
    const { result, stallMs } = await crawlWatched('unclosed-loc');
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    expect(titles(result)).toEqual(expect.arrayContaining(['Unclosed loc']));
    expect(result.pages.every((page) => page.error === null)).toBe(true);
  });

  it('a page of 200,000 "<div " without ">" is read in one pass', async () => {
    const { result, stallMs } = await crawlWatched('open-divs');
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    expect(result.pages[0]).toMatchObject({ title: 'Open divs', error: null });
  });

  it('2,000 wildcard robots rules against 1,500-character paths cost no stall and keep their meaning', async () => {
    const { result, stallMs } = await crawlWatched('robots-wildcards');
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    // No rule matches a path without "b": the long links are allowed and crawled.
    expect(result.pages).toHaveLength(4);
    expect(result.pages.slice(1).every((page) => new URL(page.url).pathname.length > 1_500)).toBe(true);
  });

  it('a megabyte of near-miss e-mails and phones yields no false contacts', async () => {
    const { result, stallMs } = await crawlWatched('text-bombs', { maxPages: 1 });
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    expect(result.pages[0]).toMatchObject({ title: 'Text bombs', error: null });
    expect(result.extraction.emails).toEqual([]);
  });

  it('100,000 nested elements are read without recursion', async () => {
    const { result, stallMs } = await crawlWatched('deep-nesting', { maxPages: 1 });
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    expect(result.pages[0]).toMatchObject({ title: 'Deep nesting', error: null });
  });

  it('100,000 links are capped', async () => {
    const { result, stallMs } = await crawlWatched('many-links', { maxPages: 1, maxPageBytes: 8 * 1024 * 1024 });
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    expect(result.pages[0]!.links_found).toBe(5_000);
  });

  it('megabyte attributes are cut, not copied whole', async () => {
    const { result, stallMs } = await crawlWatched('long-attributes', {
      maxPages: 1,
      maxPageBytes: 8 * 1024 * 1024,
    });
    expect(stallMs).toBeLessThan(STALL_BOUND_MS);
    expect(result.pages[0]).toMatchObject({ title: 'Long attributes', error: null });
    expect(result.pages[0]!.description!.length).toBeLessThanOrEqual(1_000);
  });
});

describe('text that stores refuse', () => {
  it('titles, descriptions and headings cut through emoji stay well-formed, and NUL is gone', async () => {
    const { result } = await crawlWatched('emoji-cut', { maxPages: 1 });
    const [page] = result.pages;
    expect(page!.title!.length).toBeLessThanOrEqual(500);
    expect(EMOJI_TITLE.startsWith(page!.title!)).toBe(true);
    for (const text of [page!.title!, page!.description!, ...page!.h1]) expect(text.isWellFormed()).toBe(true);
    const json = JSON.stringify(result);
    expect(json).not.toContain('\\u0000');
    expect(json).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\\\ud[c-f])/i);
    expect(result.extraction.emails).toContain('emoji@attack.example.org');
  });
});

describe('a parse over its budget', () => {
  it('stops the thread and ends the domain with parse_budget_exceeded, not retryable', async () => {
    const strict = new ParsePool({ threads: 1, taskBudgetMs: 1 });
    try {
      const error = await crawlError(
        crawlDomain(fixtureHost('cpu', 'many-links'), options({ parser: strict, maxPageBytes: 8 * 1024 * 1024 })),
      );
      expect(error.errorClass).toBe('parse_budget_exceeded');
      expect(error.retryable).toBe(false);
    } finally {
      await strict.close();
    }
  });
});

describe('Crawl-delay', () => {
  const requestGaps = (host: string): number[] => {
    const times = fixture.stats.log.filter((entry) => entry.host === host && entry.path !== '/robots.txt');
    return times.slice(1).map((entry, index) => entry.at - times[index]!.at);
  };

  it('spaces the requests to a host as robots.txt asks', async () => {
    const host = fixtureHost('cpu', 'slow1-crawl-delay');
    await crawlDomain(host, options({ maxPages: 3 }));
    const gaps = requestGaps(host); // /, /sitemap.xml, /p/1, /p/2
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(CRAWL_DELAY_SECONDS * 1000 - 20);
  });

  it('caps a Crawl-delay at the configured maximum', async () => {
    const host = fixtureHost('cpu', 'capped-crawl-delay');
    await crawlDomain(host, options({ maxPages: 3, maxCrawlDelayMs: 50 }));
    const gaps = requestGaps(host);
    expect(gaps).toHaveLength(3);
    for (const gap of gaps) expect(gap).toBeLessThan(CRAWL_DELAY_SECONDS * 1000 - 20);
  });
});
