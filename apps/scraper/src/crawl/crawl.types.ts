import type { DomainExtraction, PageResult } from '@trawl/contracts';
import type { HostResolver } from './guard/resolve-overrides';
import type { ParsePool } from './parse/parse.pool';

export interface CrawlOptions {
  /** 1..1000; the crawl records at most this many pages (robots.txt/sitemap fetches do not count). */
  maxPages: number;
  /** Sent as User-Agent, e.g. "Trawl/0.1.0 (+https://github.com/trawl/trawl)". */
  userAgent: string;
  /** Overall deadline per page (all redirect hops, headers and body), not an idle timeout. */
  pageTimeoutMs: number;
  /** Hard limit for the whole domain crawl. */
  domainTimeoutMs: number;
  /** Cap on DECODED body bytes per page. */
  maxPageBytes: number;
  /** Pause between the end of one request and the start of the next to the same host. */
  politenessDelayMs: number;
  /** A robots.txt Crawl-delay longer than the politeness delay is honoured up to this. */
  maxCrawlDelayMs: number;
  /** Parses pages, sitemaps and robots.txt off the event loop; shared by the crawls of a process. */
  parser: ParsePool;
  /** From parseResolveOverrides(process.env.TRAWL_RESOLVE). */
  resolver: HostResolver;
  /** Aborts the crawl (e.g. service shutdown): crawlDomain rejects with DomainCrawlError 'aborted'. */
  signal?: AbortSignal;
  /** Called after each recorded page. A throw here fails the crawl as 'internal'. */
  onPage?: (page: PageResult) => void;
}

export interface CrawlResult {
  pages: PageResult[];
  extraction: DomainExtraction;
}

export const MAX_PAGES_LIMIT = 1000;
/** robots.txt product token (RFC 9309 §2.2.1). */
export const PRODUCT_TOKEN = 'Trawl';
