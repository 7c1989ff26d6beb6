import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process, with Node's default metrics and Trawl's own. */
export const metricsRegistry = new Registry();
let defaultsStarted = false;

export function startDefaultMetrics(service: string): void {
  if (defaultsStarted) return;
  defaultsStarted = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}

export const messagesConsumed = new Counter({
  name: 'trawl_messages_consumed_total',
  help: 'Messages handled by a consumer, by type and outcome (ok, duplicate, dead_lettered, retried)',
  labelNames: ['consumer', 'type', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const messagesPublished = new Counter({
  name: 'trawl_messages_published_total',
  help: 'Messages acknowledged by Kafka, by type',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

export const handlerSeconds = new Histogram({
  name: 'trawl_message_handler_seconds',
  help: 'Time spent handling one message, by consumer and type',
  labelNames: ['consumer', 'type'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
  registers: [metricsRegistry],
});

export const dependencyWaits = new Counter({
  name: 'trawl_dependency_waits_total',
  help: 'Handler runs that waited for a dependency instead of failing, by consumer and cause (e.g. postgres:40001)',
  labelNames: ['consumer', 'dependency'] as const,
  registers: [metricsRegistry],
});

export const deadLetters = new Counter({
  name: 'trawl_dead_letters_total',
  help: 'Messages a consumer put on the dead-letter topic, by consumer and source topic',
  labelNames: ['consumer', 'topic'] as const,
  registers: [metricsRegistry],
});

export const stuckBatches = new Gauge({
  name: 'trawl_stuck_batches',
  help: 'Unfinished batches without progress for TRAWL_STUCK_AFTER_MS, at the last check',
  registers: [metricsRegistry],
});

export const expiredCommands = new Counter({
  name: 'trawl_expired_commands_total',
  help: 'Scrape commands delivered after the scheduler stopped waiting for their attempt, dropped without a crawl',
  registers: [metricsRegistry],
});

export const robotsParsed = new Counter({
  name: 'trawl_robots_parsed_total',
  help: "robots.txt texts parsed on the scraper's parse threads (a page or question whose thread no longer kept the rules)",
  registers: [metricsRegistry],
});

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpRequestDuration = new Histogram({
  name: 'trawl_http_request_duration_seconds',
  help: 'HTTP requests served, by method, route template and status code (health checks and scrapes left out)',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [metricsRegistry],
});

export const consumerLag = new Gauge({
  name: 'trawl_consumer_lag',
  help: "Messages after the consumer's position in each partition, at its last fetch (high watermark - next offset)",
  labelNames: ['consumer', 'topic', 'partition'] as const,
  registers: [metricsRegistry],
});

export const projectionLag = new Histogram({
  name: 'trawl_projection_lag_seconds',
  help: 'From an event being logged to its projection being committed',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [metricsRegistry],
});

export const fetches = new Counter({
  name: 'trawl_fetches_total',
  help: 'HTTP fetches of the scraper by kind (page, robots.txt, sitemap) and outcome (status class or error class)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const fetchDuration = new Histogram({
  name: 'trawl_fetch_duration_seconds',
  help: "The scraper's HTTP fetches, from request to body read, by kind",
  labelNames: ['kind'] as const,
  buckets: SECONDS,
  registers: [metricsRegistry],
});

export const domainsCrawled = new Counter({
  name: 'trawl_domains_crawled_total',
  help: 'Crawl attempts ended by a scraper, by outcome (scraped, failed) and error class',
  labelNames: ['outcome', 'error_class'] as const,
  registers: [metricsRegistry],
});

export const crawlDuration = new Histogram({
  name: 'trawl_crawl_duration_seconds',
  help: 'Crawl attempts, from domain.started to the result, by outcome',
  labelNames: ['outcome'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

export const batchesByStatus = new Gauge({
  name: 'trawl_batches',
  help: 'Batches in the projection by status, at the last check',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
});

export const spansDropped = new Counter({
  name: 'trawl_spans_dropped_total',
  help: 'Spans the trace exporter could not deliver (the collector down or unreachable)',
  registers: [metricsRegistry],
});

export const spansSampledOut = new Counter({
  name: 'trawl_spans_sampled_out_total',
  help: 'Page spans of successful crawls left out of their trace by sampling (SCRAPER_PAGE_SPANS_PERCENT)',
  registers: [metricsRegistry],
});
