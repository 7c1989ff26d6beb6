import { DomainCrawlError } from '../errors/crawl-error';
import { type CrawlOptions } from '../crawl.types';
import { parseResolveOverrides } from '../guard/resolve-overrides';
import { ParsePool } from '../parse/parse.pool';

let pool: ParsePool | undefined;

/** One parse pool per test file (Jest gives each file its own copy of this module), closed after it. */
export function testParsePool(): ParsePool {
  pool ??= new ParsePool({ threads: 2, taskBudgetMs: 5_000 });
  return pool;
}

afterAll(async () => {
  await pool?.close();
  pool = undefined;
});

/** Crawl options for tests against the fixture web: the fixture reachable only through the override. */
export function fixtureCrawlOptions(resolveSpec: string, overrides: Partial<CrawlOptions> = {}): CrawlOptions {
  return {
    maxPages: 20,
    userAgent: 'Trawl/0.1.0 (+https://github.com/trawl/trawl)',
    pageTimeoutMs: 5_000,
    domainTimeoutMs: 20_000,
    maxPageBytes: 2 * 1024 * 1024,
    politenessDelayMs: 0,
    maxCrawlDelayMs: 10_000,
    parser: testParsePool(),
    resolver: parseResolveOverrides(resolveSpec),
    ...overrides,
  };
}

/** The DomainCrawlError a crawl fails with; any other outcome fails the test. */
export async function crawlError(promise: Promise<unknown>): Promise<DomainCrawlError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainCrawlError) return error;
    throw error;
  }
  throw new Error('expected the crawl to fail');
}
