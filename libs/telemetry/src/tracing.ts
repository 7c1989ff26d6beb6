import {
  context,
  propagation,
  trace,
  type Context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { ChildSpanSampler } from './child-span-sampler';
import { CountingSpanExporter } from './counting-exporter';
import { createLogger } from './logger';

export interface TracingOptions {
  serviceName: string;
  version: string;
  /** OTLP/HTTP base endpoint, e.g. http://127.0.0.1:4318; empty: spans are created but not exported. */
  otlpEndpoint: string;
  disabled: boolean;
  /** Paths whose incoming requests are not traced (health checks, metrics scrapes). */
  ignoreIncomingPaths?: string[];
  /**
   * The share (0–100) of successful crawls whose page spans are exported; a failed crawl keeps all
   * of its page spans (ChildSpanSampler). Default 100.
   */
  pageSpansPercent?: number;
}

let provider: NodeTracerProvider | undefined;

/**
 * Starts OpenTelemetry tracing. Must run before the modules it instruments (node:http) are used
 * by the application, so each service's main.ts calls it first.
 */
export function startTracing(options: TracingOptions): void {
  if (provider || options.disabled) return;
  const warnings = createLogger(options.serviceName, 'warn').child({ component: 'tracing' });
  const exporter = options.otlpEndpoint
    ? new CountingSpanExporter(
        new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }),
        (fields, message) => warnings.warn(fields, message),
      )
    : undefined;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.version,
    }),
    spanProcessors: exporter
      ? [
          new ChildSpanSampler(
            // A queue of 8192 spans (a few MB) rides out bursts of a big batch without dropping spans.
            new BatchSpanProcessor(exporter, {
              scheduledDelayMillis: 1000,
              maxQueueSize: 8192,
              maxExportBatchSize: 1024,
            }),
            options.pageSpansPercent ?? 100,
          ),
        ]
      : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const ignored = new Set(options.ignoreIncomingPaths ?? ['/health/live', '/health/ready', '/metrics']);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => ignored.has((request.url ?? '').split('?')[0] ?? ''),
        // The scraper's page fetches get spans of their own; raw outgoing sockets would double them.
        ignoreOutgoingRequestHook: () => true,
      }),
    ],
  });
}

export async function stopTracing(): Promise<void> {
  if (!provider) return;
  const current = provider;
  provider = undefined;
  await current.shutdown().catch(() => undefined);
}

export const tracer = (name = 'trawl') => trace.getTracer(name);

/** The W3C trace context of the active span, as carrier headers. */
export function injectTraceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

export function extractTraceContext(headers: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

export function currentTraceId(): string | null {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : null;
}

/** Runs fn inside a new active span that records failures; the span ends when fn settles. */
export async function inSpan<T>(
  name: string,
  options: {
    kind?: SpanKind;
    attributes?: Record<string, string | number | boolean>;
    parent?: Context;
    /** Spans this one works for without being their child (e.g. the messages of a batch). */
    links?: Link[];
  },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {}, links: options.links ?? [] },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export { SpanKind };
