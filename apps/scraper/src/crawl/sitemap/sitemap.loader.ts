import { readBody } from '../fetch/body.reader';
import { type CrawlContext, failureClass } from '../crawl.context';
import { withFetchSpan } from '../fetch/crawl.tracing';
import { Deadline } from '../fetch/deadline';
import { discardBody, getFollowingRedirects, type HopTrace } from '../fetch/http.client';
import type { ParsedSitemap } from './sitemap.parser';
import { hasNonHtmlExtension, normalizeUrl, type SiteScope } from '../frontier/url.normalizer';

export const SITEMAP_MAX_DOCUMENTS = 3;
export const SITEMAP_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Page URLs from the site's sitemaps, as extra crawl seeds: at most SITEMAP_MAX_DOCUMENTS
 * documents (following a sitemap index one level at a time), each read up to its byte cap;
 * only same-site sitemaps are fetched and only same-site page URLs are returned.
 * Failures are ignored: sitemaps are a hint, never a reason to fail a crawl.
 */
export async function loadSitemapUrls(
  ctx: CrawlContext,
  candidates: string[],
  scope: SiteScope,
  maxUrls: number,
): Promise<string[]> {
  const queue = candidates
    .map((candidate) => normalizeUrl(candidate))
    .filter((url): url is string => url !== undefined && scope.contains(url));
  const fetched = new Set<string>();
  const found = new Set<string>();

  while (queue.length > 0 && fetched.size < SITEMAP_MAX_DOCUMENTS && found.size < maxUrls) {
    const url = queue.shift()!;
    if (fetched.has(url)) continue;
    fetched.add(url);
    if (ctx.domainDeadline.signal.aborted) break;
    const parsed = await fetchSitemap(ctx, url, Math.min(ctx.maxPageBytes, SITEMAP_MAX_BYTES), maxUrls * 2);
    if (parsed === undefined) continue;
    for (const location of parsed.locations) {
      const normalised = normalizeUrl(location);
      if (!normalised || !scope.contains(normalised)) continue;
      if (parsed.kind === 'index') {
        queue.push(normalised);
      } else if (!hasNonHtmlExtension(normalised) && found.size < maxUrls) {
        found.add(normalised);
      }
    }
  }
  return [...found];
}

/** One sitemap, fetched and parsed (on a parse thread); undefined when either failed. */
async function fetchSitemap(
  ctx: CrawlContext,
  url: string,
  maxBytes: number,
  maxLocations: number,
): Promise<ParsedSitemap | undefined> {
  const result = await withFetchSpan('sitemap', { url, domain: ctx.domain }, async () => {
    const deadline = new Deadline(ctx.pageTimeoutMs, [ctx.domainDeadline.signal]);
    const hops: HopTrace = { url, status: null, redirects: 0 };
    try {
      const response = await getFollowingRedirects(ctx, url, deadline.signal, hops);
      try {
        if (response.status < 200 || response.status >= 300) {
          discardBody(response.body);
          return { status: response.status, sitemap: undefined };
        }
        const { body } = await readBody(response.body, {
          contentEncoding: response.headers['content-encoding'],
          maxBytes,
          overflow: 'truncate',
        });
        const { sitemap } = await ctx.parser.run({ task: 'sitemap', url, body, maxLocations }, deadline.signal);
        return { status: response.status, sitemap };
      } finally {
        response.release();
      }
    } catch (error) {
      // Ignored (a sitemap is a hint), but the span says why: unreachable, too slow to parse, ...
      return { status: hops.status, sitemap: undefined, errorClass: failureClass(ctx, error, deadline) };
    } finally {
      deadline.dispose();
    }
  });
  return result.sitemap;
}
