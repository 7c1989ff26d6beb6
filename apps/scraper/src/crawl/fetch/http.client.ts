import type { Readable } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { ClassifiedError } from '../errors/crawl-error';
import { createGuardedConnector } from '../guard/guarded.connector';
import type { Politeness } from './politeness';
import type { HostResolver } from '../guard/resolve-overrides';
import { normalizeUrl } from '../frontier/url.normalizer';

export const MAX_REDIRECTS = 5;
const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** One undici Agent per domain crawl, every connection going through the SSRF-guarded connector. */
export function createCrawlAgent(options: { resolver: HostResolver; pageTimeoutMs: number }): Agent {
  return new Agent({
    connect: createGuardedConnector({
      resolver: options.resolver,
      connectTimeoutMs: Math.min(options.pageTimeoutMs, 10_000),
    }),
    // Idle timeouts only; the real per-page limit is the overall deadline signal.
    headersTimeout: options.pageTimeoutMs,
    bodyTimeout: options.pageTimeoutMs,
    keepAliveTimeout: 4_000,
    // The crawl asks one thing of a site at a time, so one connection per origin. It also makes
    // the Agent give each origin a Client rather than a Pool, whose queue alone is an array of
    // 2,048 slots: a Pool per origin per crawl was the largest piece of a page's promoted garbage.
    connections: 1,
    maxHeaderSize: 64 * 1024,
  });
}

export interface HttpContext {
  dispatcher: Dispatcher;
  userAgent: string;
  politeness: Politeness;
}

/** Progress of a redirect chain, readable by the caller even when the chain fails mid-way. */
export interface HopTrace {
  url: string;
  status: number | null;
  redirects: number;
}

export interface HttpResponse {
  /** URL of the response that ended the chain. */
  url: string;
  status: number;
  headers: ResponseHeaders;
  body: Readable;
  redirects: number;
  /** Marks the request as finished for politeness; call after the body is consumed or dropped. */
  release: () => void;
}

/**
 * Drops a response body we do not want. undici reports destroying an unfinished body as an
 * 'error' event (RequestAbortedError); it is expected here, so it is swallowed.
 */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function requestOnce(
  ctx: HttpContext,
  url: URL,
  signal: AbortSignal,
): Promise<Dispatcher.ResponseData & { release: () => void }> {
  const host = url.hostname;
  await ctx.politeness.wait(host, signal);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    ctx.politeness.done(host);
  };
  try {
    const response = await ctx.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: {
        'user-agent': ctx.userAgent,
        accept: ACCEPT,
        'accept-encoding': 'gzip, deflate, br',
        'accept-language': 'en;q=0.9, *;q=0.5',
      },
      signal,
    });
    return Object.assign(response, { release });
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * GET with redirects followed by hand (at most `maxRedirects`), each hop connecting through the
 * guarded connector, so every hop's address is checked. Only http(s) targets are followed.
 */
export async function getFollowingRedirects(
  ctx: HttpContext,
  startUrl: string,
  signal: AbortSignal,
  trace: HopTrace,
  maxRedirects = MAX_REDIRECTS,
): Promise<HttpResponse> {
  let url = new URL(startUrl);
  trace.url = url.href;
  for (;;) {
    const response = await requestOnce(ctx, url, signal);
    trace.status = response.statusCode;
    const location = headerValue(response.headers, 'location');
    if (!REDIRECT_STATUSES.has(response.statusCode) || location === undefined) {
      return {
        url: url.href,
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        redirects: trace.redirects,
        release: response.release,
      };
    }
    discardBody(response.body);
    response.release();
    if (trace.redirects >= maxRedirects) {
      throw new ClassifiedError('too_many_redirects', `more than ${maxRedirects} redirects from ${startUrl}`);
    }
    const next = redirectTarget(location, url);
    trace.redirects += 1;
    trace.url = next;
    url = new URL(next);
  }
}

function redirectTarget(location: string, base: URL): string {
  let target: URL;
  try {
    target = new URL(location, base);
  } catch {
    throw new ClassifiedError('http_server_error', `invalid redirect Location from ${base.href}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    // file:, gopher:, ftp: ... are classic SSRF vectors: never followed.
    throw new ClassifiedError('ssrf_blocked', `redirect to a non-http(s) URL (${target.protocol}) refused`);
  }
  const normalised = normalizeUrl(target.href);
  if (!normalised) throw new ClassifiedError('http_server_error', `unusable redirect Location from ${base.href}`);
  return normalised;
}
