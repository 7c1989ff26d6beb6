import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { spansDropped } from './metrics';

/**
 * Passes spans to the real exporter and counts what it could not deliver (trawl_spans_dropped_total),
 * with one warning when exporting starts failing and one when it works again, never one per batch
 * of spans: a collector that is down must not flood the logs, slow the work or go unnoticed.
 */
export class CountingSpanExporter implements SpanExporter {
  private failing = false;

  constructor(
    private readonly inner: SpanExporter,
    private readonly warn: (fields: Record<string, unknown>, message: string) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      // Compared as numbers: the SDK may carry its own copy of @opentelemetry/core's enum.
      if (Number(result.code) === Number(ExportResultCode.SUCCESS)) {
        if (this.failing) this.warn({}, 'span export works again');
        this.failing = false;
      } else {
        spansDropped.inc(spans.length);
        if (!this.failing) {
          this.warn({ err: result.error, spans: spans.length }, 'span export failing; spans are dropped and counted');
        }
        this.failing = true;
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
