/** The crawl engine's public API. */
export { crawlDomain } from './crawler';
export type { CrawlOptions, CrawlResult } from './crawl.types';
export { MAX_PAGES_LIMIT, PRODUCT_TOKEN } from './crawl.types';
export { DomainCrawlError, CRAWL_ERROR_CLASSES, isRetryable, RETRYABLE_BY_CLASS } from './errors/crawl-error';
export type { CrawlErrorClass } from './errors/crawl-error';
export { parseResolveOverrides } from './guard/resolve-overrides';
export type { HostResolver } from './guard/resolve-overrides';
export { ParsePool } from './parse/parse.pool';
export type { ParsePoolOptions } from './parse/parse.pool';
export { robotsKeptFor } from './parse/parsed-robots';
