import type { PageResult } from '@trawl/contracts';
import { readBody } from './body.reader';
import type { CrawlContext } from '../crawl.context';
import { failureClass } from '../crawl.context';
import type { CrawlErrorClass } from '../errors/crawl-error';
import { withFetchSpan } from './crawl.tracing';
import { Deadline } from './deadline';
import { classifyStatus, describeError } from '../errors/error.classifier';
import { discardBody, getFollowingRedirects, headerValue, type HopTrace } from './http.client';
import type { PageExtraction } from '../extract/page.extractor';
import type { RobotsRef } from '../parse/parse.tasks';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

export interface PageOutcome {
  page: PageResult;
  /** Set when the page failed; `page.error` holds the same class. */
  errorClass?: CrawlErrorClass;
  errorMessage?: string;
  /** Set for successfully parsed HTML pages. */
  extraction?: PageExtraction;
  /** With `extraction`, when the page's robots.txt was given: its verdict per link (null: other origin). */
  linksAllowed?: (boolean | null)[];
  /** URL of the response that ended the redirect chain (or the hop that failed). */
  finalUrl: string;
  status: number | null;
}

export function mediaTypeOf(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return essence === '' ? null : essence.slice(0, 200);
}

export interface FetchPageOptions {
  /** The robots.txt of the page's origin, for the parse task to judge the page's links with. */
  robots?: RobotsRef;
  /**
   * Called once the request has ended and its body is read, before the body is parsed, with the
   * URL that ended the redirect chain: the next request to the site may start while this one parses.
   * Not called when the page fails before its body is read (the outcome follows at once then).
   */
  onFetched?: (finalUrl: string) => void;
}

/** Fetches one page within its own deadline: redirects, status, content type, capped body, extraction. */
export async function fetchPage(
  ctx: CrawlContext,
  url: string,
  depth: number,
  options: FetchPageOptions = {},
): Promise<PageOutcome> {
  return withFetchSpan('page', { url, domain: ctx.domain, depth }, () => fetchPageUntraced(ctx, url, depth, options));
}

async function fetchPageUntraced(
  ctx: CrawlContext,
  url: string,
  depth: number,
  { robots, onFetched }: FetchPageOptions,
): Promise<PageOutcome> {
  const fetchedAt = new Date().toISOString();
  const started = performance.now();
  const deadline = new Deadline(ctx.pageTimeoutMs, [ctx.domainDeadline.signal]);
  const hops: HopTrace = { url, status: null, redirects: 0 };
  let contentType: string | null = null;
  let bytesRead = 0;

  const outcome = (
    fields: Partial<
      Pick<PageResult, 'title' | 'description' | 'language' | 'canonical_url' | 'h1' | 'h2' | 'links_found'>
    >,
    bytes: number,
    failure?: { errorClass: CrawlErrorClass; message: string },
    extraction?: PageExtraction,
  ): PageOutcome => ({
    page: {
      url,
      final_url: hops.url,
      status_code: hops.status,
      content_type: contentType,
      title: fields.title ?? null,
      description: fields.description ?? null,
      language: fields.language ?? null,
      canonical_url: fields.canonical_url ?? null,
      h1: fields.h1 ?? [],
      h2: fields.h2 ?? [],
      links_found: fields.links_found ?? 0,
      bytes,
      depth,
      fetched_at: fetchedAt,
      duration_ms: Math.max(0, Math.round(performance.now() - started)),
      error: failure?.errorClass ?? null,
    },
    finalUrl: hops.url,
    status: hops.status,
    ...(failure ? { errorClass: failure.errorClass, errorMessage: failure.message } : {}),
    ...(extraction ? { extraction } : {}),
  });

  try {
    const response = await getFollowingRedirects(ctx, url, deadline.signal, hops);
    try {
      const rawContentType = headerValue(response.headers, 'content-type');
      contentType = mediaTypeOf(rawContentType);
      const statusClass = classifyStatus(response.status);
      if (statusClass) {
        discardBody(response.body);
        return outcome({}, 0, { errorClass: statusClass, message: `HTTP ${response.status} from ${response.url}` });
      }
      if (contentType !== null && !HTML_TYPES.has(contentType)) {
        discardBody(response.body);
        return outcome({}, 0, { errorClass: 'not_html', message: `${contentType} is not HTML (${response.url})` });
      }
      const contentEncoding = response.headers['content-encoding'];
      const declaredLength = Number(headerValue(response.headers, 'content-length'));
      if (contentEncoding === undefined && Number.isFinite(declaredLength) && declaredLength > ctx.maxPageBytes) {
        discardBody(response.body);
        return outcome({}, 0, {
          errorClass: 'body_too_large',
          message: `Content-Length ${declaredLength} exceeds ${ctx.maxPageBytes} bytes`,
        });
      }
      const { body, bytes } = await readBody(response.body, {
        contentEncoding,
        maxBytes: ctx.maxPageBytes,
        overflow: 'fail',
      });
      bytesRead = bytes;
      response.release();
      onFetched?.(hops.url);
      const { extraction, linksAllowed } = await ctx.parser.run(
        {
          task: 'page',
          url: response.url,
          body,
          contentType: rawContentType,
          // No media type at all: accept the body only if it looks like markup.
          requireMarkup: contentType === null,
          headers: response.headers,
          ...(robots ? { robots } : {}),
        },
        deadline.signal,
      );
      if (!extraction) {
        return outcome({}, bytes, {
          errorClass: 'not_html',
          message: `no Content-Type and not markup (${response.url})`,
        });
      }
      return {
        ...outcome({ ...extraction, links_found: extraction.links.length }, bytes, undefined, extraction),
        ...(linksAllowed ? { linksAllowed } : {}),
      };
    } finally {
      response.release();
    }
  } catch (error) {
    const errorClass = failureClass(ctx, error, deadline);
    const bytes = errorClass === 'body_too_large' ? ctx.maxPageBytes : bytesRead;
    const message =
      errorClass === 'timeout' && deadline.expired
        ? `page deadline of ${ctx.pageTimeoutMs} ms exceeded (${hops.url})`
        : `${describeError(error)} (${hops.url})`;
    return outcome({}, bytes, { errorClass, message });
  } finally {
    deadline.dispose();
  }
}
