import { readBody } from '../fetch/body.reader';
import type { CrawlContext } from '../crawl.context';
import { failureClass } from '../crawl.context';
import type { CrawlErrorClass } from '../errors/crawl-error';
import { withFetchSpan } from '../fetch/crawl.tracing';
import { Deadline } from '../fetch/deadline';
import { describeError } from '../errors/error.classifier';
import { discardBody, getFollowingRedirects, type HopTrace } from '../fetch/http.client';
import { ROBOTS_MAX_BYTES } from './robots.parser';
import { ALLOW_ALL, readSiteRobots, type SiteRobots } from './site-robots';

/** RFC 9309 §2.3.1.2: follow at least five consecutive redirects. */
export const ROBOTS_MAX_REDIRECTS = 5;

export type RobotsOutcome =
  | { kind: 'rules'; rules: SiteRobots; status: number | null }
  /** 5xx or unreachable: the origin must be treated as fully disallowed. */
  | { kind: 'unavailable'; errorClass: CrawlErrorClass; message: string; status: number | null };

/**
 * Fetches and parses `<origin>/robots.txt` (RFC 9309 §2.3.1):
 * 2xx -> rules from the first 500 KiB; 4xx (and > 5 redirects) -> "unavailable", allow all;
 * 5xx or network failure -> "unreachable", disallow all (reported with the error's class).
 * A robots.txt whose parsing outruns its budget counts as unreachable ('parse_budget_exceeded').
 */
export async function loadRobots(ctx: CrawlContext, origin: string, productToken: string): Promise<RobotsOutcome> {
  const url = `${origin}/robots.txt`;
  return withFetchSpan('robots.txt', { url, domain: ctx.domain }, async () => {
    const deadline = new Deadline(ctx.pageTimeoutMs, [ctx.domainDeadline.signal]);
    const hops: HopTrace = { url, status: null, redirects: 0 };
    try {
      const response = await getFollowingRedirects(ctx, url, deadline.signal, hops, ROBOTS_MAX_REDIRECTS);
      try {
        if (response.status >= 400 && response.status < 500) {
          discardBody(response.body);
          return { kind: 'rules', rules: ALLOW_ALL, status: response.status };
        }
        if (response.status < 200 || response.status >= 300) {
          discardBody(response.body);
          return {
            kind: 'unavailable',
            errorClass: 'http_server_error',
            message: `robots.txt answered HTTP ${response.status}: site treated as fully disallowed (RFC 9309)`,
            status: response.status,
          };
        }
        const { body } = await readBody(response.body, {
          contentEncoding: response.headers['content-encoding'],
          maxBytes: ROBOTS_MAX_BYTES,
          overflow: 'truncate',
        });
        const text = new TextDecoder('utf-8').decode(body);
        const rules = await readSiteRobots(ctx.parser, url, text, productToken, deadline.signal);
        return { kind: 'rules', rules, status: response.status };
      } finally {
        response.release();
      }
    } catch (error) {
      const errorClass = failureClass(ctx, error, deadline);
      if (errorClass === 'too_many_redirects') return { kind: 'rules', rules: ALLOW_ALL, status: hops.status };
      return {
        kind: 'unavailable',
        errorClass,
        message:
          errorClass === 'parse_budget_exceeded'
            ? `robots.txt could not be read: ${describeError(error)}`
            : `robots.txt unreachable: ${describeError(error)} (${hops.url})`,
        status: hops.status,
      };
    } finally {
      deadline.dispose();
    }
  });
}
