/** The crawl engine's public API. */
export { crawlDomain } from './crawler';
export type { CrawlOptions, CrawlResult } from './crawl.types';
export { MAX_PAGES_LIMIT, PRODUCT_TOKEN } from './crawl.types';
export { CrawlError, CRAWL_ERROR_CLASSES, isRetryable, RETRYABLE_BY_CLASS } from './crawl-error';
export type { CrawlErrorClass } from './crawl-error';
export { parseResolveOverrides } from './resolve-overrides';
export type { HostResolver } from './resolve-overrides';
