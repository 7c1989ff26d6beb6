import type { CrawlErrorClass } from './errors/crawl-error';
import type { Deadline } from './fetch/deadline';
import { classifyError } from './errors/error.classifier';
import type { HttpContext } from './fetch/http.client';
import type { ParsePool } from './parse/parse.pool';

/** Everything one domain crawl shares between its fetches. */
export interface CrawlContext extends HttpContext {
  domain: string;
  pageTimeoutMs: number;
  maxPageBytes: number;
  /** Fires on the caller's abort or the domain deadline. */
  domainDeadline: Deadline;
  userSignal: AbortSignal | undefined;
  /** Where untrusted content is parsed (off the event loop, with a budget per task). */
  parser: ParsePool;
}

/**
 * The class of a failed fetch: our own signals first (the caller's abort -> 'aborted', a deadline
 * -> 'timeout'), then the error's code.
 */
export function failureClass(ctx: CrawlContext, error: unknown, page?: Deadline): CrawlErrorClass {
  if (ctx.userSignal?.aborted) return 'aborted';
  if (ctx.domainDeadline.expired || page?.expired) return 'timeout';
  return classifyError(error);
}
