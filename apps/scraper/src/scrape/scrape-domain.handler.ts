import os from 'node:os';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  type AnyMessage,
  createMessage,
  deterministicId,
  type MessageOf,
  type PageResult,
  type ScrapeError,
  wellFormedText,
} from '@trawl/contracts';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { Consumes, MessagePublisher, MessageTooLargeError } from '@trawl/messaging';
import { TRAWL_VERSION } from '@trawl/service';
import {
  crawlDuration,
  domainsCrawled,
  expiredCommands,
  inSpan,
  LOG,
  type Log,
  SAMPLES_CHILDREN_ATTRIBUTE,
  TrawlAttribute,
} from '@trawl/telemetry';
import {
  DomainCrawlError,
  crawlDomain,
  type CrawlOptions,
  type HostResolver,
  ParsePool,
  robotsKeptFor,
} from '../crawl';
import { Slots } from '../slots';
import { isExpired } from './command-expiry';
import { fitPages } from './result-size';

export const HOST_RESOLVER = Symbol('HOST_RESOLVER');

/** What the kept results may hold at most; a result's pages are capped by SCRAPER_RESULT_MAX_BYTES. */
const RESULTS_MAX_BYTES = 64 * 1024 * 1024;

/** A result's size for the cache's budget, without serialising it: its pages dominate (about 1 KB each). */
function estimatedBytes(outcome: AnyMessage): number {
  const pages = 'pages' in outcome.data ? outcome.data.pages.length : 0;
  return 2048 + 1024 * pages;
}

/**
 * Crawls one domain per command and reports the attempt: domain.started (each delivery: the
 * folds count them, and end a domain whose command keeps failing its scraper as a poison
 * command), then domain.scraped or domain.failed with the error's class and retry flag. A
 * command delivered after its attempt expired is dropped. The consumer heartbeats while a crawl
 * runs, so a crawl longer than the session timeout causes no rebalance or redelivery.
 */
@Injectable()
@Consumes({
  group: 'scraper',
  topics: ['domainCommands'],
  types: ['domain.scrape'],
  // Commands are taken in while crawls run (never a wave that waits for a fetch's slowest crawl),
  // up to twice SCRAPER_CONCURRENCY in hand: a freed slot starts the next at once, and waiting
  // commands take turns by batch (Slots). Each offset is committed once its crawl is done.
  concurrency: (config) => 2 * config.SCRAPER_CONCURRENCY,
  partitionsConsumedConcurrently: 3,
  // A fetch waiting for room holds a rebalance up until a crawl ends (by its domain deadline) or
  // its heartbeat fails; plus some slack.
  rebalanceTimeoutMs: (config) => config.SCRAPER_DOMAIN_TIMEOUT_MS + 30_000,
})
export class ScrapeDomainHandler implements Consumes<'domain.scrape'>, OnModuleDestroy {
  private readonly shutdown = new AbortController();
  private readonly slots: Slots;
  private readonly parser: ParsePool;
  private readonly scraperId = `${os.hostname()}-${process.pid}`;
  /**
   * Commands whose domain.started this process has published and whose result it has not: when
   * the consumer retries a handler (Kafka was down for the result, say), that is the same delivery,
   * and a second domain.started would count as another one towards the poison-command limit.
   */
  private readonly startedHere = new Set<string>();
  /**
   * The result of each command this process crawled, until the command's attempt expires. When its
   * publish fails (a partition without a leader during a broker failover) the consumer retries the
   * handler, and when its offset commit is lost (a dead group coordinator) the command comes again:
   * either way the same event is published again, under the same id, instead of crawling the site
   * once more. Bounded in entries and in (estimated) bytes.
   */
  private readonly results: LRUCache<string, AnyMessage>;

  constructor(
    private readonly publisher: MessagePublisher,
    @Inject(TRAWL_CONFIG) private readonly config: TrawlConfig,
    @Inject(HOST_RESOLVER) private readonly resolver: HostResolver,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.slots = new Slots(config.SCRAPER_CONCURRENCY);
    this.results = new LRUCache<string, AnyMessage>({
      max: 4 * config.SCRAPER_CONCURRENCY,
      maxSize: RESULTS_MAX_BYTES,
      sizeCalculation: estimatedBytes,
    });
    this.parser = new ParsePool({
      threads: config.SCRAPER_PARSE_THREADS,
      taskBudgetMs: config.SCRAPER_PARSE_BUDGET_MS,
      workerHeapMb: config.SCRAPER_PARSE_HEAP_MB,
      robotsKept: robotsKeptFor(config.SCRAPER_CONCURRENCY, config.SCRAPER_PARSE_HEAP_MB),
    });
  }

  async onModuleDestroy(): Promise<void> {
    // In-flight crawls stop; their commands stay uncommitted and go to another scraper.
    this.shutdown.abort();
    await this.parser.close();
  }

  /** Room for the pages in one outcome event: the configured cap, below the broker's limit. */
  private get pagesBudgetBytes(): number {
    const envelopeAndExtraction = 64 * 1024;
    return Math.min(this.config.SCRAPER_RESULT_MAX_BYTES, this.config.TRAWL_MESSAGE_MAX_BYTES) - envelopeAndExtraction;
  }

  async handle(message: MessageOf<'domain.scrape'>): Promise<void> {
    // Waiting commands take turns by tenant, then batch: a small batch is not kept behind a big one.
    await this.slots.run(
      () => (isExpired(message, new Date()) ? this.dropExpired(message) : this.scrapeInSpan(message)),
      [message.tenant, message.batch_id],
    );
  }

  private dropExpired(command: MessageOf<'domain.scrape'>): Promise<void> {
    // Typically a command left uncommitted by a scraper that died or was evicted mid-crawl, or
    // one that waited in a backlog: the scheduler has moved on, so the offset just moves on too.
    expiredCommands.inc();
    const { domain, attempt, expires_at: expiresAt } = command.data;
    this.log.warn(
      { batch_id: command.batch_id, domain, attempt, expires_at: expiresAt },
      'scrape command expired before it was crawled; dropped',
    );
    return Promise.resolve();
  }

  private scrapeInSpan(message: MessageOf<'domain.scrape'>): Promise<void> {
    return inSpan(
      'scrape domain',
      {
        attributes: {
          [TrawlAttribute.batchId]: message.batch_id,
          [TrawlAttribute.domain]: message.data.domain,
          [TrawlAttribute.attempt]: message.data.attempt,
          // Its page spans are kept if the crawl fails, sampled if it succeeds (SCRAPER_PAGE_SPANS_PERCENT).
          [SAMPLES_CHILDREN_ATTRIBUTE]: true,
        },
      },
      (span) => this.scrape(message, span),
    );
  }

  private async scrape(command: MessageOf<'domain.scrape'>, span: Span): Promise<void> {
    const { domain, attempt, dispatch_id, max_pages } = command.data;
    const known = this.results.get(command.id);
    if (known) {
      await this.publisher.publish([known]);
      this.startedHere.delete(command.id);
      this.log.info(
        { batch_id: command.batch_id, domain, attempt, outcome: known.type },
        'result of a command crawled before published again (the command came again or its publish is retried)',
      );
      return;
    }
    const startedAt = new Date();
    const base = { tenant: command.tenant, batchId: command.batch_id };
    if (!this.startedHere.has(command.id)) {
      await this.publisher.publish([
        createMessage({
          ...base,
          type: 'domain.started',
          // One id per delivery to this process: a retried publish whose first try did land late is a duplicate.
          id: deterministicId(command.id, 'started', this.scraperId),
          data: { domain, attempt, dispatch_id, started_at: startedAt.toISOString(), scraper_id: this.scraperId },
        }),
      ]);
      this.startedHere.add(command.id);
    }
    // What every outcome of this attempt says about it.
    const attemptFields = () => ({
      domain,
      attempt,
      dispatch_id,
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
    });
    const failed = (error: ScrapeError, pages: PageResult[]) =>
      createMessage({
        ...base,
        type: 'domain.failed',
        data: { ...attemptFields(), error, ...fitPages(pages, this.pagesBudgetBytes) },
      });
    let outcome: AnyMessage;
    try {
      const result = await crawlDomain(domain, this.crawlOptions(max_pages));
      outcome = createMessage({
        ...base,
        type: 'domain.scraped',
        data: {
          ...attemptFields(),
          ...fitPages(result.pages, this.pagesBudgetBytes),
          extraction: result.extraction,
        },
      });
    } catch (error) {
      if (this.shutdown.signal.aborted) throw error;
      if (error instanceof DomainCrawlError) {
        outcome = failed(error.toScrapeError(), error.pages);
      } else {
        this.log.error({ err: error, domain, batch_id: command.batch_id }, 'crawl failed unexpectedly');
        const message = wellFormedText(String((error as Error).message ?? error), 2000);
        outcome = failed({ class: 'internal', message, retryable: false }, []);
      }
    }
    this.remember(command, outcome);
    try {
      await this.publisher.publish([outcome]);
    } catch (error) {
      if (!(error instanceof MessageTooLargeError)) throw error;
      // Cannot happen by construction (fitPages); if it does, the attempt still ends, visibly.
      this.log.error({ err: error, domain, batch_id: command.batch_id }, 'crawl result too large for Kafka');
      const message = wellFormedText(error.message, 2000);
      outcome = failed({ class: 'result_too_large', message, retryable: false }, []);
      this.remember(command, outcome);
      await this.publisher.publish([outcome]);
    }
    this.startedHere.delete(command.id);
    const outcomeLabel = outcome.type === 'domain.scraped' ? 'scraped' : 'failed';
    const errorClass = outcome.type === 'domain.failed' ? outcome.data.error.class : '';
    span.setAttribute(TrawlAttribute.outcome, outcome.type);
    if (errorClass) {
      span.setAttribute('error.type', errorClass);
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorClass });
    }
    domainsCrawled.inc({ outcome: outcomeLabel, error_class: errorClass });
    crawlDuration.observe({ outcome: outcomeLabel }, (Date.now() - startedAt.getTime()) / 1000);
    this.log.info(
      {
        batch_id: command.batch_id,
        domain,
        attempt,
        outcome: outcome.type,
        ...(errorClass ? { error_class: errorClass } : {}),
        pages: 'pages' in outcome.data ? outcome.data.pages.length : 0,
        duration_ms: Date.now() - startedAt.getTime(),
      },
      'domain crawled',
    );
  }

  private remember(command: MessageOf<'domain.scrape'>, outcome: AnyMessage): void {
    const expiresAt = command.data.expires_at ? Date.parse(command.data.expires_at) : Number.NaN;
    const ttl = Number.isFinite(expiresAt) ? expiresAt - Date.now() : this.config.SCHEDULER_ATTEMPT_TIMEOUT_MS;
    if (ttl > 0) this.results.set(command.id, outcome, { ttl });
  }

  private crawlOptions(maxPages: number): CrawlOptions {
    return {
      maxPages,
      userAgent: `Trawl/${TRAWL_VERSION} (+${this.config.TRAWL_USER_AGENT_URL})`,
      pageTimeoutMs: this.config.SCRAPER_PAGE_TIMEOUT_MS,
      domainTimeoutMs: this.config.SCRAPER_DOMAIN_TIMEOUT_MS,
      maxPageBytes: this.config.SCRAPER_MAX_PAGE_BYTES,
      politenessDelayMs: this.config.SCRAPER_POLITENESS_DELAY_MS,
      maxCrawlDelayMs: this.config.SCRAPER_MAX_CRAWL_DELAY_MS,
      parser: this.parser,
      resolver: this.resolver,
      signal: this.shutdown.signal,
    };
  }
}
