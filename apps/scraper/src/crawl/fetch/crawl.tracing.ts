import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

export const TRACER_NAME = 'trawl-scraper';

export interface FetchSpanOutcome {
  status: number | null;
  errorClass?: string;
}

/**
 * Runs one fetch inside an active client span with the attributes the dashboards rely on:
 * `url.full`, `http.response.status_code`, `trawl.domain` (plus `error.type` on failure).
 */
export async function withFetchSpan<T extends FetchSpanOutcome>(
  name: string,
  attributes: { url: string; domain: string; depth?: number },
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(
    name,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'url.full': attributes.url,
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
        return outcome;
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
