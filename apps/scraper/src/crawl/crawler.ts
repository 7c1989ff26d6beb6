import type { PageResult } from '@trawl/contracts';
import type { Agent } from 'undici';
import type { CrawlContext } from './crawl.context';
import { DomainCrawlError, type CrawlErrorClass } from './errors/crawl-error';
import { Frontier } from './frontier/crawl.frontier';
import { MAX_PAGES_LIMIT, PRODUCT_TOKEN, type CrawlOptions, type CrawlResult } from './crawl.types';
import { Deadline } from './fetch/deadline';
import { classifyError } from './errors/error.classifier';
import { DomainExtractionAccumulator } from './extract/domain-extraction.accumulator';
import { createCrawlAgent } from './fetch/http.client';
import { fetchPage, type PageOutcome } from './fetch/page.fetcher';
import { Politeness } from './fetch/politeness';
import { loadRobots, type RobotsOutcome } from './robots/robots.loader';
import type { RobotsRef } from './parse/parse.tasks';
import { loadSitemapUrls } from './sitemap/sitemap.loader';
import { hasNonHtmlExtension, originOf, robotsPathOf, SiteScope, withoutTrailingDots } from './frontier/url.normalizer';

/**
 * What a crawl's Agent closes its connections with once the crawl is over. Without one, undici
 * makes a ClientDestroyedError per crawl, and something on the socket's way down reads its stack,
 * which --enable-source-maps formats through the source maps: ~2% of the scraper's main thread.
 * One error made once has its stack formatted once. Nothing waits on those connections by then.
 */
const CRAWL_OVER = new Error('the crawl is over: its connections are closed');

/**
 * Crawls one site, breadth-first, sequentially (one request at a time, politeness delay per host):
 * 1. robots.txt of http://<domain>/ (RFC 9309). Unreachable (network error, 5xx) fails the domain
 *    with that error's class - the site is fully disallowed until it answers again, so the retry
 *    policy of the cause applies; a successfully read robots.txt that disallows "/" fails it with
 *    'robots_disallowed'.
 * 2. The start page http://<domain>/ (plain HTTP first; a redirect to https is followed). If it
 *    fails, the crawl fails with its class. Its final host joins the site (with its www. twin).
 * 3. Sitemap seeds (robots `Sitemap:` lines and /sitemap.xml), then same-site links breadth-first
 *    until `maxPages` pages are recorded. Failures of later pages are recorded in `page.error`.
 * The caller's abort rejects with 'aborted'; the domain deadline fails the crawl with 'timeout'
 * only while the start page has not succeeded, and afterwards just ends it with what it has.
 */
export async function crawlDomain(domain: string, options: CrawlOptions): Promise<CrawlResult> {
  validateOptions(options);
  const host = normaliseDomain(domain);
  const session = new CrawlSession(host, options);
  try {
    return await session.run();
  } finally {
    await session.close();
  }
}

function validateOptions(options: CrawlOptions): void {
  const problems: string[] = [];
  const { maxPages, pageTimeoutMs, domainTimeoutMs, maxPageBytes, politenessDelayMs, maxCrawlDelayMs, userAgent } =
    options;
  if (!Number.isInteger(maxPages) || maxPages < 1 || maxPages > MAX_PAGES_LIMIT) {
    problems.push(`maxPages must be an integer in 1..${MAX_PAGES_LIMIT}`);
  }
  if (!(pageTimeoutMs > 0)) problems.push('pageTimeoutMs must be > 0');
  if (!(domainTimeoutMs > 0)) problems.push('domainTimeoutMs must be > 0');
  if (!Number.isInteger(maxPageBytes) || maxPageBytes < 1) problems.push('maxPageBytes must be a positive integer');
  if (!(politenessDelayMs >= 0)) problems.push('politenessDelayMs must be >= 0');
  if (!(maxCrawlDelayMs >= 0)) problems.push('maxCrawlDelayMs must be >= 0');
  if (typeof userAgent !== 'string' || userAgent.trim() === '' || /[\r\n]/.test(userAgent)) {
    problems.push('userAgent must be a non-empty single line');
  }
  if (problems.length > 0) throw new DomainCrawlError('internal', `invalid crawl options: ${problems.join('; ')}`);
}

function normaliseDomain(domain: string): string {
  const candidate = withoutTrailingDots(domain.trim().toLowerCase());
  let hostname: string | undefined;
  try {
    const url = new URL(`http://${candidate}/`);
    if (url.port === '' && url.pathname === '/' && url.username === '' && url.search === '') hostname = url.hostname;
  } catch {
    hostname = undefined;
  }
  if (!hostname || hostname !== candidate) {
    throw new DomainCrawlError('internal', `not a normalised host name: "${domain.slice(0, 300)}"`);
  }
  return hostname;
}

class CrawlSession {
  private readonly pages: PageResult[] = [];
  private readonly extraction = new DomainExtractionAccumulator();
  private readonly robots = new Map<string, Promise<RobotsOutcome>>();
  /** robots.txt verdicts on links, given by the parse of the page that linked them. */
  private readonly robotsVerdicts = new Map<string, boolean>();
  /**
   * Links judged out of the crawl (another site, or not a page), so a link on every page is judged
   * once. The scope is settled before the first links are enqueued (the start page's final host).
   */
  private readonly linksOutOfCrawl = new Set<string>();
  private readonly maxLinksRemembered: number;
  private readonly scope: SiteScope;
  private readonly frontier: Frontier;
  private readonly agent: Agent;
  private readonly ctx: CrawlContext;

  constructor(
    private readonly domain: string,
    private readonly options: CrawlOptions,
  ) {
    this.scope = new SiteScope(domain);
    this.maxLinksRemembered = Math.max(200, options.maxPages * 20);
    this.frontier = new Frontier(this.maxLinksRemembered);
    this.agent = createCrawlAgent({ resolver: options.resolver, pageTimeoutMs: options.pageTimeoutMs });
    this.ctx = {
      domain,
      dispatcher: this.agent,
      userAgent: options.userAgent,
      politeness: new Politeness(options.politenessDelayMs),
      pageTimeoutMs: options.pageTimeoutMs,
      maxPageBytes: options.maxPageBytes,
      domainDeadline: new Deadline(options.domainTimeoutMs, [options.signal]),
      userSignal: options.signal,
      parser: options.parser,
    };
  }

  async run(): Promise<CrawlResult> {
    const startUrl = `http://${this.domain}/`;
    this.throwIfAborted();

    const robots = await this.robotsFor(startUrl);
    this.throwIfAborted();
    if (robots.kind === 'unavailable') throw this.failure(robots.errorClass, robots.message);
    if (!(await this.allowedByRobots(startUrl))) {
      this.throwIfAborted();
      throw this.failure('robots_disallowed', `robots.txt of ${this.domain} disallows ${startUrl}`);
    }

    this.frontier.markSeen(startUrl);
    const start = await fetchPage(this.ctx, startUrl, 0, { robots: robots.rules.ref });
    this.throwIfAborted();
    this.record(start);
    if (start.errorClass) throw this.failure(start.errorClass, start.errorMessage ?? start.errorClass);
    this.scope.add(new URL(start.finalUrl).hostname);
    this.frontier.markSeen(start.finalUrl);
    this.enqueueLinks(start, 0);

    if (this.pages.length < this.options.maxPages && !this.ctx.domainDeadline.signal.aborted) {
      const sitemaps = [...robots.rules.sitemaps, `${originOf(start.finalUrl)}/sitemap.xml`];
      const seeds = await loadSitemapUrls(this.ctx, sitemaps, this.scope, this.options.maxPages * 2);
      this.throwIfAborted();
      for (const url of seeds) this.frontier.add(url, 1);
    }

    // The site's next request starts while the page before it is parsed: still one request at a
    // time per site, and at most one parse outstanding (a crawl holds at most two bodies). Pages
    // are recorded in the order they were fetched.
    let parsing: Promise<void> | undefined;
    let unrecorded = 0;
    while (this.pages.length + unrecorded < this.options.maxPages && !this.ctx.domainDeadline.signal.aborted) {
      const next = this.frontier.next();
      if (!next) {
        if (unrecorded === 0) break;
        await parsing; // the page being parsed may link to more
        continue;
      }
      const allowed = await this.allowedByRobots(next.url);
      this.throwIfAborted();
      if (!allowed || this.ctx.domainDeadline.signal.aborted) continue;
      // Waited here, not inside the page's own deadline: a Crawl-delay spends the domain's time.
      if (!(await this.politeWait(next.url))) break;
      const robots = await this.robotsRefFor(next.url);
      let requestEnded!: () => void;
      const fetched = new Promise<void>((resolve) => (requestEnded = resolve));
      const page = fetchPage(this.ctx, next.url, next.depth, {
        robots,
        onFetched: (finalUrl) => {
          this.frontier.markSeen(finalUrl);
          requestEnded();
        },
      });
      const previous = parsing;
      unrecorded += 1;
      parsing = (async () => {
        const outcome = await page;
        await previous;
        unrecorded -= 1;
        this.throwIfAborted();
        this.record(outcome);
        this.frontier.markSeen(outcome.finalUrl);
        if (outcome.extraction && this.scope.contains(outcome.finalUrl)) this.enqueueLinks(outcome, next.depth);
      })();
      // Handled where it is awaited; this keeps a failure from being reported as unhandled when the
      // loop ends by another error first.
      void parsing.catch(() => undefined);
      await Promise.race([fetched, parsing]);
      await previous;
    }
    await parsing;
    this.throwIfAborted();
    return { pages: this.pages, extraction: this.extraction.result() };
  }

  async close(): Promise<void> {
    this.ctx.domainDeadline.dispose();
    try {
      await this.agent.destroy(CRAWL_OVER);
    } catch {
      // already closed
    }
  }

  private robotsFor(url: string): Promise<RobotsOutcome> {
    const origin = originOf(url);
    let pending = this.robots.get(origin);
    if (!pending) {
      pending = loadRobots(this.ctx, origin, PRODUCT_TOKEN).then((outcome) => {
        const delayMs = outcome.kind === 'rules' ? outcome.rules.crawlDelayMs : undefined;
        if (delayMs !== undefined) {
          this.ctx.politeness.slowDown(new URL(origin).hostname, Math.min(delayMs, this.options.maxCrawlDelayMs));
        }
        return outcome;
      });
      this.robots.set(origin, pending);
    }
    return pending;
  }

  /** The robots.txt a page task judges the page's links with (the page's origin's). */
  private async robotsRefFor(url: string): Promise<RobotsRef | undefined> {
    const robots = await this.robotsFor(url);
    return robots.kind === 'rules' ? robots.rules.ref : undefined;
  }

  private async allowedByRobots(url: string): Promise<boolean> {
    const known = this.robotsVerdicts.get(url);
    if (known !== undefined) return known;
    const robots = await this.robotsFor(url);
    // Unreachable robots.txt (5xx, network) on a later origin: that origin is fully disallowed.
    if (robots.kind !== 'rules') return false;
    try {
      return await robots.rules.isAllowed(robotsPathOf(url), this.ctx.domainDeadline.signal);
    } catch (error) {
      if (this.ctx.domainDeadline.signal.aborted) return false;
      // A question the rules could not answer within the parse budget: not allowed.
      if (classifyError(error) === 'parse_budget_exceeded') return false;
      throw error;
    }
  }

  /** Waits out the host's politeness delay; false when the domain's time ran out meanwhile. */
  private async politeWait(url: string): Promise<boolean> {
    try {
      await this.ctx.politeness.wait(new URL(url).hostname, this.ctx.domainDeadline.signal);
      return true;
    } catch (error) {
      if (this.ctx.domainDeadline.signal.aborted) return false;
      throw error;
    }
  }

  private enqueueLinks(outcome: PageOutcome, depth: number): void {
    const links = outcome.extraction?.links ?? [];
    for (let index = 0; index < links.length; index += 1) {
      const link = links[index]!;
      // Most of a page's links were on the pages before it (menus, footers): those are not parsed again.
      if (this.frontier.has(link) || this.linksOutOfCrawl.has(link)) continue;
      const url = new URL(link);
      if (!this.scope.contains(url) || hasNonHtmlExtension(url)) {
        if (this.linksOutOfCrawl.size < this.maxLinksRemembered) this.linksOutOfCrawl.add(link);
        continue;
      }
      if (!this.frontier.add(link, depth + 1)) continue;
      // Judged by the page's parse task already: no question to a parse thread before the fetch.
      const allowed = outcome.linksAllowed?.[index];
      if (typeof allowed === 'boolean') this.robotsVerdicts.set(link, allowed);
    }
  }

  private record(outcome: PageOutcome): void {
    this.pages.push(outcome.page);
    if (outcome.extraction) this.extraction.add(outcome.extraction);
    if (!this.options.onPage) return;
    try {
      this.options.onPage(outcome.page);
    } catch (error) {
      throw new DomainCrawlError('internal', 'onPage callback threw', { pages: this.pages, cause: error });
    }
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) {
      throw this.failure('aborted', `crawl of ${this.domain} aborted`, this.options.signal.reason);
    }
  }

  private failure(errorClass: CrawlErrorClass, message: string, cause?: unknown): DomainCrawlError {
    return new DomainCrawlError(errorClass, message, { pages: [...this.pages], cause });
  }
}
