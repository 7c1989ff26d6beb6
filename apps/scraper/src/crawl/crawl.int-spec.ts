import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { pageResultSchema, domainExtractionSchema } from '@trawl/contracts';
import {
  fixtureHost,
  OK_SITE,
  startFixtureWeb,
  type FixtureWeb,
} from '../../../../test/fixture-web/fixture-web.server';
import { crawlDomain, type CrawlOptions, ParsePool } from './index';
import type { ParseResultOf, ParseTask } from './parse/parse.tasks';
import { crawlError, fixtureCrawlOptions } from './testing/crawl-test-kit';

jest.setTimeout(30_000);

let fixture: FixtureWeb;

beforeAll(async () => {
  fixture = await startFixtureWeb({ hostIdleMs: 100 });
});
afterAll(async () => {
  await fixture.close();
});

function options(overrides: Partial<CrawlOptions> = {}, extraResolve = ''): CrawlOptions {
  const spec = [fixture.resolveSpec(), extraResolve].filter(Boolean).join(',');
  return fixtureCrawlOptions(spec, overrides);
}

describe('crawlDomain on a healthy site', () => {
  it('crawls the 5 pages of an ok site and extracts page and domain fields', async () => {
    const host = fixtureHost('ok', 'healthy');
    const seen: string[] = [];
    const result = await crawlDomain(host, options({ onPage: (page) => seen.push(page.url) }));

    const paths = result.pages.map((page) => new URL(page.url).pathname);
    expect(paths).toHaveLength(5);
    expect(new Set(paths)).toEqual(new Set(OK_SITE.paths));
    expect(paths[0]).toBe('/');
    expect(seen).toEqual(result.pages.map((page) => page.url));
    for (const page of result.pages) {
      expect(pageResultSchema.parse(page)).toEqual(page);
      expect(page.error).toBeNull();
      expect(page.status_code).toBe(200);
      expect(page.content_type).toBe('text/html');
      const path = new URL(page.url).pathname;
      expect(page.title).toBe(OK_SITE.titles[path]);
      expect(page.description).toBe(OK_SITE.descriptions[path]);
      expect(page.language).toBe('en');
      expect(page.canonical_url).toBe(`http://${host}${path}`);
      expect(page.bytes).toBeGreaterThan(500);
      expect(page.depth).toBe(path === '/' ? 0 : 1);
    }
    const home = result.pages[0]!;
    expect(home.h1).toEqual(['Welcome to Acme Fixture Co']);
    expect(result.pages.find((page) => page.url.endsWith('/about'))!.h1).toEqual(['About us', 'Our team']);
    expect(home.links_found).toBeGreaterThanOrEqual(10);

    expect(domainExtractionSchema.parse(result.extraction)).toEqual(result.extraction);
    expect([...result.extraction.emails].sort()).toEqual([...OK_SITE.emails].sort());
    expect(result.extraction.phones).toEqual([...OK_SITE.phones]);
    expect(result.extraction.socials).toEqual(expect.arrayContaining([...OK_SITE.socials]));
    expect(result.extraction.socials).toHaveLength(OK_SITE.socials.length);
    expect(result.extraction.technologies).toEqual(expect.arrayContaining([...OK_SITE.technologies]));

    // robots.txt was read first and its Disallow honoured; the PDF link was never fetched.
    const requested = fixture.stats.pathsFor(host);
    expect(requested[0]).toBe('/robots.txt');
    expect(requested).toContain('/sitemap.xml');
    expect(requested).not.toContain(OK_SITE.disallowedPath);
    expect(requested).not.toContain('/files/brochure.pdf');
    expect(fixture.stats.leaks).toBe(0);
  });

  it('respects maxPages (sitemap and robots fetches do not count)', async () => {
    const host = fixtureHost('ok', 'two-pages');
    const result = await crawlDomain(host, options({ maxPages: 2 }));
    expect(result.pages).toHaveLength(2);
    expect(
      fixture.stats.pathsFor(host).filter((path) => path !== '/robots.txt' && path !== '/sitemap.xml'),
    ).toHaveLength(2);
  });

  it('crawls breadth-first with depths on a big site and stops at maxPages', async () => {
    const host = fixtureHost('big', 'n40-deep');
    const result = await crawlDomain(host, options({ maxPages: 12 }));
    expect(result.pages).toHaveLength(12);
    expect(result.pages.map((page) => page.depth)).toEqual([0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
  });

  it('follows a redirect to the www host and keeps crawling it as the same site', async () => {
    const host = fixtureHost('to-www', 'moved');
    const result = await crawlDomain(host, options());
    expect(result.pages[0]!.url).toBe(`http://${host}/`);
    expect(result.pages[0]!.final_url).toBe(`http://www.${host}/`);
    expect(result.pages).toHaveLength(5);
    expect(result.pages.slice(1).every((page) => new URL(page.url).hostname === `www.${host}`)).toBe(true);
  });

  it('waits politenessDelayMs between requests to the same host', async () => {
    const host = fixtureHost('ok', 'polite');
    const started = Date.now();
    await crawlDomain(host, options({ maxPages: 3, politenessDelayMs: 150 }));
    // robots, page, sitemap, page, page = 5 requests, 4 pauses
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 150 - 20);
    const times = fixture.stats.log.filter((entry) => entry.host === host).map((entry) => entry.at);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(140);
  });
});

/** The longest a HeldParsePool holds its page's parse, from when the parse was asked for. */
const HOLD_LIMIT_MS = 3_000;

/** A real parse pool that holds the parse of one page until `releaseHeld()` (or HOLD_LIMIT_MS). */
class HeldParsePool extends ParsePool {
  heldAt: number | undefined;
  releasedAt: number | undefined;
  private release!: () => void;
  private readonly released = new Promise<void>((resolve) => (this.release = resolve));

  constructor(private readonly heldUrl: string) {
    super({ threads: 1, taskBudgetMs: 5_000 });
  }

  /** The path of the held page, as the fixture web logs its request. */
  get heldPath(): string {
    return new URL(this.heldUrl).pathname;
  }

  releaseHeld(): void {
    this.releasedAt ??= Date.now();
    this.release();
  }

  override async run<T extends ParseTask>(task: T, signal?: AbortSignal): Promise<ParseResultOf<T>> {
    if (task.task === 'page' && task.url === this.heldUrl) {
      this.heldAt = Date.now();
      const limit = setTimeout(() => this.releaseHeld(), HOLD_LIMIT_MS);
      await this.released;
      clearTimeout(limit);
    }
    return super.run(task, signal);
  }
}

/** A real parse pool that notes the paths of every robots question it is asked. */
class RobotsQuestionsPool extends ParsePool {
  readonly robotsQuestions: string[][] = [];

  constructor() {
    super({ threads: 1, taskBudgetMs: 5_000 });
  }

  override run<T extends ParseTask>(task: T, signal?: AbortSignal): Promise<ParseResultOf<T>> {
    if (task.task === 'robots') this.robotsQuestions.push([...task.paths]);
    return super.run(task, signal);
  }
}

describe('crawlDomain asks the parse threads about robots.txt', () => {
  it('judges the start page in the task that reads robots.txt, with no second question', async () => {
    const pool = new RobotsQuestionsPool();
    try {
      const result = await crawlDomain(fixtureHost('ok', 'robots-questions'), options({ parser: pool }));
      expect(result.pages).toHaveLength(5);
      expect(pool.robotsQuestions[0]).toEqual(['/']);
      expect(pool.robotsQuestions.slice(1).flat()).not.toContain('/');
    } finally {
      await pool.close();
    }
  });
});

/**
 * Releases the pool's held parse `graceMs` after the site's first request since the hold began
 * (the request that overlaps the parse). Timed from the hold, not from the test's start: on a busy
 * machine the crawl may reach the held page late. Returns what stops it.
 */
function releaseAfterNextRequest(pool: HeldParsePool, host: string, graceMs: number): () => void {
  let releasing: NodeJS.Timeout | undefined;
  const poll = setInterval(() => {
    const held = pool.heldAt;
    if (held === undefined || releasing !== undefined) return;
    const next = fixture.stats.log.find(
      (entry) => entry.host === host && entry.at >= held && entry.path !== pool.heldPath,
    );
    if (next) releasing = setTimeout(() => pool.releaseHeld(), graceMs);
  }, 5);
  return () => {
    clearInterval(poll);
    clearTimeout(releasing);
  };
}

describe('crawlDomain overlaps the parse of a page with the next request', () => {
  it('fetches the next page while the one before is parsed, and records pages in fetch order', async () => {
    const host = fixtureHost('ok', 'overlap');
    const pool = new HeldParsePool(`http://${host}/about`);
    const stopReleasing = releaseAfterNextRequest(pool, host, 0);
    try {
      const result = await crawlDomain(host, options({ parser: pool }));
      expect(result.pages).toHaveLength(5);
      expect(pool.releasedAt! - pool.heldAt!).toBeLessThan(2_000);
      const pagePaths = fixture.stats
        .pathsFor(host)
        .filter((path) => path !== '/robots.txt' && path !== '/sitemap.xml');
      expect(result.pages.map((page) => new URL(page.url).pathname)).toEqual(pagePaths);
      expect(result.pages.every((page) => page.error === null)).toBe(true);
    } finally {
      stopReleasing();
      await pool.close();
    }
  });

  it('holds at most one parse: the request after next waits for the held parse', async () => {
    const host = fixtureHost('ok', 'one-parse');
    const pool = new HeldParsePool(`http://${host}/about`);
    // Held on past the overlapping request, long enough for a second one to go out if it could.
    const stopReleasing = releaseAfterNextRequest(pool, host, 300);
    try {
      const result = await crawlDomain(host, options({ parser: pool }));
      expect(result.pages).toHaveLength(5);
      expect(pool.releasedAt! - pool.heldAt!).toBeLessThan(HOLD_LIMIT_MS);
      const whileHeld = fixture.stats.log.filter(
        (entry) =>
          entry.host === host &&
          entry.path !== pool.heldPath &&
          entry.at >= pool.heldAt! &&
          entry.at < pool.releasedAt!,
      );
      // One page request went out while /about was parsed (the overlap), no more.
      expect(whileHeld.map((entry) => entry.path)).toEqual(['/contact']);
    } finally {
      stopReleasing();
      await pool.close();
    }
  });
});

describe('crawlDomain failures of the start page', () => {
  it('a site that resets connections -> connection_reset, retryable', async () => {
    const error = await crawlError(crawlDomain(fixtureHost('down', 'gone'), options()));
    expect(error.errorClass).toBe('connection_reset');
    expect(error.retryable).toBe(true);
  });

  it('a closed port -> connection_refused, retryable', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const error = await crawlError(crawlDomain('refused.test', options({}, `refused.test=127.0.0.1:${closedPort}`)));
    expect(error.errorClass).toBe('connection_refused');
    expect(error.retryable).toBe(true);
  });

  it('HTTP 500 -> http_server_error, retryable', async () => {
    const error = await crawlError(crawlDomain(fixtureHost('500', 'broken'), options()));
    expect(error.errorClass).toBe('http_server_error');
    expect(error.retryable).toBe(true);
  });

  it('HTTP 404 on the start page -> http_client_error, not retryable, with the page recorded', async () => {
    const error = await crawlError(crawlDomain(fixtureHost('404', 'missing'), options()));
    expect(error.errorClass).toBe('http_client_error');
    expect(error.retryable).toBe(false);
    expect(error.pages).toHaveLength(1);
    expect(error.pages[0]).toMatchObject({ status_code: 404, error: 'http_client_error' });
    expect(error.toScrapeError()).toMatchObject({ class: 'http_client_error', retryable: false });
  });

  it('robots.txt disallowing everything -> robots_disallowed, not retryable, nothing else fetched', async () => {
    const host = fixtureHost('robots-deny', 'private');
    const error = await crawlError(crawlDomain(host, options()));
    expect(error.errorClass).toBe('robots_disallowed');
    expect(error.retryable).toBe(false);
    expect(fixture.stats.pathsFor(host)).toEqual(['/robots.txt']);
  });

  it('an unknown .test host without an override -> not reachable, no request to the fixture', async () => {
    const before = fixture.stats.requests;
    const error = await crawlError(crawlDomain('nowhere.invalid', options()));
    expect(['dns_not_found', 'timeout']).toContain(error.errorClass);
    expect(fixture.stats.requests).toBe(before);
  });

  it('rejects invalid options and domains as internal errors', async () => {
    await expect(crawlDomain('ok.fixture.test', options({ maxPages: 0 }))).rejects.toMatchObject({
      errorClass: 'internal',
    });
    await expect(crawlDomain('http://x.test/', options())).rejects.toMatchObject({ errorClass: 'internal' });
  });
});

describe('crawlDomain limits on the whole crawl', () => {
  it('aborting through the signal rejects with aborted, retryable', async () => {
    const controller = new AbortController();
    const promise = crawlDomain(fixtureHost('slow', 'd400-abort'), options({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 600);
    const started = Date.now();
    const error = await crawlError(promise);
    expect(error.errorClass).toBe('aborted');
    expect(error.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('the domain deadline ends a crawl that has its start page with the pages so far', async () => {
    const host = fixtureHost('slow', 'd300-deadline');
    const started = Date.now();
    const result = await crawlDomain(host, options({ domainTimeoutMs: 1_500 }));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(result.pages.length).toBeGreaterThanOrEqual(1);
    expect(result.pages.length).toBeLessThan(5);
    expect(result.pages[0]!.error).toBeNull();
  });

  it('the domain deadline before the start page succeeds -> timeout, retryable', async () => {
    const error = await crawlError(crawlDomain(fixtureHost('slow', 'd2000-late'), options({ domainTimeoutMs: 800 })));
    expect(error.errorClass).toBe('timeout');
    expect(error.retryable).toBe(true);
  });
});
