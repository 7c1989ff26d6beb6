import { type PageResult, type ScrapeError, wellFormedText } from '@trawl/contracts';

/** Why a page or a whole domain crawl failed. The class alone decides the retry policy. */
export type CrawlErrorClass =
  | 'dns_not_found'
  | 'connection_refused'
  | 'connection_reset'
  | 'timeout'
  | 'tls_error'
  | 'http_server_error'
  | 'http_client_error'
  | 'http_throttled'
  | 'robots_disallowed'
  | 'ssrf_blocked'
  | 'too_many_redirects'
  | 'not_html'
  | 'body_too_large'
  | 'parse_budget_exceeded'
  | 'aborted'
  | 'internal';

/**
 * The one retry table: an error's class IS its retry policy. Transient network and server trouble
 * is retryable; anything that will fail the same way next time is not.
 */
export const RETRYABLE_BY_CLASS: Readonly<Record<CrawlErrorClass, boolean>> = {
  dns_not_found: false,
  connection_refused: true,
  connection_reset: true,
  timeout: true,
  tls_error: false,
  http_server_error: true,
  http_client_error: false,
  // 408, 425, 429: the site asks us to come back later.
  http_throttled: true,
  robots_disallowed: false,
  ssrf_blocked: false,
  too_many_redirects: false,
  not_html: false,
  body_too_large: false,
  // Parsing the content outran its CPU-time or memory budget: it would again.
  parse_budget_exceeded: false,
  aborted: true,
  internal: false,
};

export const CRAWL_ERROR_CLASSES = Object.keys(RETRYABLE_BY_CLASS) as CrawlErrorClass[];

export function isRetryable(errorClass: CrawlErrorClass): boolean {
  return RETRYABLE_BY_CLASS[errorClass];
}

const MAX_MESSAGE_LENGTH = 2000;

/**
 * The crawl of a whole domain failed: what crawlDomain rejects with, and what becomes the
 * `domain.failed` event. `pages` holds whatever was collected before the failure.
 */
export class DomainCrawlError extends Error {
  override readonly name = 'DomainCrawlError';
  readonly errorClass: CrawlErrorClass;
  readonly retryable: boolean;
  readonly pages: PageResult[];

  constructor(errorClass: CrawlErrorClass, message: string, options: { pages?: PageResult[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errorClass = errorClass;
    this.retryable = isRetryable(errorClass);
    this.pages = options.pages ?? [];
  }

  /** The `error` object of a `domain.failed` event. */
  toScrapeError(): ScrapeError {
    return {
      class: this.errorClass,
      message: wellFormedText(this.message, MAX_MESSAGE_LENGTH),
      retryable: this.retryable,
    };
  }
}

/**
 * One step of a crawl (a fetch, a parse) failed for a reason the engine knows: it carries its class,
 * so the classifier never reads a message (e.g. an SSRF block, a body over the cap, a parse over
 * its budget). It may fail a page or, when it is the start page's, the whole domain.
 * It carries a stable `code` so the classifier never has to read a message.
 */
export class ClassifiedError extends Error {
  override readonly name = 'ClassifiedError';
  readonly code: string;

  constructor(
    readonly errorClass: CrawlErrorClass,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = `TRAWL_${errorClass.toUpperCase()}`;
  }
}
