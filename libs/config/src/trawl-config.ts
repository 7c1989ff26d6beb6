import { bool, hostPorts, int, oneOf, readEnv, str, url } from './env-schema';

/**
 * Every environment variable Trawl reads, with its default. Services read this once at boot
 * (`loadTrawlConfig`); nothing else touches process.env. Defaults match `npm run stack`.
 */
export const trawlEnv = {
  // where things run
  KAFKA_BROKERS: hostPorts('127.0.0.1:9092'),
  DATABASE_URL: url({ default: 'postgres://trawl:trawl@127.0.0.1:55432/trawl', protocols: ['postgres', 'postgresql'] }),
  OTEL_EXPORTER_OTLP_ENDPOINT: url({ protocols: ['http', 'https'], optional: true, default: 'http://127.0.0.1:4318' }),
  OTEL_SDK_DISABLED: bool(false),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),

  // topics
  TRAWL_TOPIC_PREFIX: str({ default: 'trawl.', maxLength: 100 }),
  TRAWL_TOPIC_PARTITIONS: int({ default: 6, min: 1, max: 1000 }),
  TRAWL_EVENTS_RETENTION_MS: int({ default: 30 * 24 * 3600 * 1000, min: 60_000, max: Number.MAX_SAFE_INTEGER }),
  TRAWL_COMMANDS_RETENTION_MS: int({ default: 7 * 24 * 3600 * 1000, min: 60_000, max: Number.MAX_SAFE_INTEGER }),
  TRAWL_MESSAGE_MAX_BYTES: int({ default: 8 * 1024 * 1024, min: 1024 * 1024, max: 100 * 1024 * 1024 }),
  TRAWL_CONSUMER_MAX_ATTEMPTS: int({ default: 5, min: 1, max: 100 }),
  /** Most events an in-order consumer (scheduler, aggregator) applies in one transaction; 1 = one at a time. */
  TRAWL_CONSUMER_MAX_BATCH: int({ default: 500, min: 1, max: 10_000 }),
  /** An unfinished batch without progress for this long is reported stuck (stuck_since, metric, log). */
  TRAWL_STUCK_AFTER_MS: int({ default: 10 * 60_000, min: 1_000, max: 7 * 24 * 3_600_000 }),
  /** How often each service prunes its bookkeeping rows older than the events' retention plus a day. */
  TRAWL_PRUNE_EVERY_MS: int({ default: 3_600_000, min: 1_000, max: 7 * 24 * 3_600_000 }),
  KAFKA_SESSION_TIMEOUT_MS: int({ default: 30_000, min: 6_000, max: 300_000 }),
  /**
   * After the aggregator's and the scheduler's consumers handle a fetch that caught up with its
   * partition, how long they wait before fetching again, so the events arriving meanwhile fold in
   * one transaction: fewer, larger folds for up to this much more latency (0: fetch again at once).
   * An idle consumer long-polls either way. The scheduler's wait is on the dispatch path (a result
   * releases the next domain), so it is shorter.
   */
  AGGREGATOR_FETCH_WAIT_MS: int({ default: 100, min: 0, max: 5_000 }),
  SCHEDULER_FETCH_WAIT_MS: int({ default: 10, min: 0, max: 5_000 }),

  // ports (each service exposes /health and /metrics on its own)
  GATEWAY_HOST: str({ default: '127.0.0.1' }),
  /** Where the other services' health and metrics endpoints listen. */
  SERVICE_HOST: str({ default: '127.0.0.1' }),
  /**
   * This process's stable name among the instances of its service (e.g. scraper-2). With it, a
   * restarted process takes its consumer-group membership back at once instead of waiting for
   * the dead one's session to time out; two live processes must never share one.
   */
  TRAWL_INSTANCE_ID: str({ default: '', allowEmpty: true }),
  GATEWAY_PORT: int({ default: 3000, min: 0, max: 65535 }),
  SCHEDULER_PORT: int({ default: 3001, min: 0, max: 65535 }),
  SCRAPER_PORT: int({ default: 3002, min: 0, max: 65535 }),
  AGGREGATOR_PORT: int({ default: 3003, min: 0, max: 65535 }),

  // gateway
  TRAWL_MAX_DOMAINS_PER_BATCH: int({ default: 10_000, min: 1, max: 100_000 }),
  TRAWL_MAX_BODY_BYTES: int({ default: 4 * 1024 * 1024, min: 1024, max: 100 * 1024 * 1024 }),
  TRAWL_PUBLISH_TIMEOUT_MS: int({ default: 5_000, min: 100, max: 120_000 }),
  /** Jaeger's query API, which GET /api/v1/batches/:id/trace reads a batch's trace from. */
  JAEGER_QUERY_URL: url({ default: 'http://127.0.0.1:16686', protocols: ['http', 'https'] }),
  /** Jaeger's web UI, if there is one: the trace document then links to the trace there (jaeger_ui_url). */
  JAEGER_UI_URL: url({ protocols: ['http', 'https'], optional: true }),

  // scheduler
  SCHEDULER_MAX_ATTEMPTS: int({ default: 3, min: 1, max: 20 }),
  /** Deliveries of one attempt's command without a result before its domain fails as `poison_command`. */
  SCHEDULER_MAX_DELIVERIES: int({ default: 3, min: 1, max: 100 }),
  /** All batches' commands out at once, shared fairly between tenants then batches; 0: max_concurrent_jobs only. */
  SCHEDULER_DISPATCH_CAPACITY: int({ default: 0, min: 0, max: 100_000 }),
  SCHEDULER_RETRY_BASE_MS: int({ default: 2_000, min: 0, max: 3_600_000 }),
  SCHEDULER_RETRY_MAX_MS: int({ default: 60_000, min: 0, max: 86_400_000 }),
  SCHEDULER_ATTEMPT_TIMEOUT_MS: int({ default: 15 * 60_000, min: 1_000, max: 86_400_000 }),
  SCHEDULER_TIMER_INTERVAL_MS: int({ default: 1_000, min: 50, max: 60_000 }),

  // scraper
  TRAWL_RESOLVE: str({ default: '', allowEmpty: true }),
  TRAWL_USER_AGENT_URL: str({ default: 'https://github.com/trawl-dev/trawl' }),
  SCRAPER_CONCURRENCY: int({ default: 8, min: 1, max: 256 }),
  SCRAPER_PAGE_TIMEOUT_MS: int({ default: 10_000, min: 100, max: 300_000 }),
  SCRAPER_DOMAIN_TIMEOUT_MS: int({ default: 120_000, min: 1_000, max: 3_600_000 }),
  SCRAPER_MAX_PAGE_BYTES: int({ default: 2 * 1024 * 1024, min: 1024, max: 100 * 1024 * 1024 }),
  SCRAPER_POLITENESS_DELAY_MS: int({ default: 250, min: 0, max: 60_000 }),
  /** A robots.txt Crawl-delay is honoured up to this (longer ones are capped to it). */
  SCRAPER_MAX_CRAWL_DELAY_MS: int({ default: 10_000, min: 0, max: 600_000 }),
  /** Parse threads (HTML, sitemaps, robots.txt); 0 = one per core. */
  SCRAPER_PARSE_THREADS: int({ default: 0, min: 0, max: 64 }),
  /** How long one parse task may run before its thread is stopped ('parse_budget_exceeded'). */
  SCRAPER_PARSE_BUDGET_MS: int({ default: 2_000, min: 50, max: 60_000 }),
  /** Heap of each parse thread, MiB; a page that needs more fails with 'parse_budget_exceeded'. */
  SCRAPER_PARSE_HEAP_MB: int({ default: 256, min: 32, max: 4096 }),
  /** Largest pages list one domain.scraped/failed event carries (beyond it: trimmed, marked). */
  SCRAPER_RESULT_MAX_BYTES: int({ default: 1024 * 1024, min: 64 * 1024, max: 100 * 1024 * 1024 }),
  /**
   * Percent (0–100) of successful crawls whose page spans (`GET page`, `GET robots.txt`,
   * `GET sitemap`) are exported; a failed crawl always keeps all of them. Chosen per trace id.
   */
  SCRAPER_PAGE_SPANS_PERCENT: int({ default: 10, min: 0, max: 100 }),
} as const;

export type TrawlConfig = ReturnType<typeof loadTrawlConfig>;

export function loadTrawlConfig(env: NodeJS.ProcessEnv = process.env) {
  return readEnv(trawlEnv, env);
}
