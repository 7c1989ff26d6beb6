import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { fetchDuration, fetches } from '@trawl/telemetry';

export const TRACER_NAME = 'trawl-scraper';

export interface FetchSpanOutcome {
  status: number | null;
  errorClass?: string;
}

export type FetchKind = 'page' | 'robots.txt' | 'sitemap';

/** What a fetch came to, for the metrics: its status class (2xx, 4xx…) or its error class. */
function outcomeLabel(outcome: FetchSpanOutcome): string {
  if (outcome.errorClass) return outcome.errorClass;
  return outcome.status === null ? 'no_response' : `${Math.floor(outcome.status / 100)}xx`;
}

/**
 * Runs one fetch inside an active HTTP client span (OpenTelemetry HTTP conventions: method,
 * `url.full`, `server.address`/`server.port`, `http.response.status_code`, `error.type` on
 * failure; plus `trawl.domain`), and counts and times it (trawl_fetches_total,
 * trawl_fetch_duration_seconds).
 */
export async function withFetchSpan<T extends FetchSpanOutcome>(
  kind: FetchKind,
  attributes: { url: string; domain: string; depth?: number },
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const target = new URL(attributes.url);
  const started = performance.now();
  return tracer.startActiveSpan(
    `GET ${kind}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'GET',
        'url.full': attributes.url,
        'server.address': target.hostname,
        'server.port': Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
        'trawl.domain': attributes.domain,
        ...(attributes.depth === undefined ? {} : { 'trawl.page.depth': attributes.depth }),
      },
    },
    async (span: Span) => {
      try {
        const outcome = await fn();
        if (outcome.status !== null) span.setAttribute('http.response.status_code', outcome.status);
        if (outcome.errorClass) {
          span.setAttribute('error.type', outcome.errorClass);
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorClass });
        }
        fetches.inc({ kind, outcome: outcomeLabel(outcome) });
        return outcome;
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        fetches.inc({ kind, outcome: 'exception' });
        throw error;
      } finally {
        fetchDuration.observe({ kind }, (performance.now() - started) / 1000);
        span.end();
      }
    },
  );
}
