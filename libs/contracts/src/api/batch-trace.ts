/**
 * The document of `GET /api/v1/batches/:id/trace`: one Jaeger trace, normalised by the gateway
 * (a flat list of spans sorted by start, times relative to the first span, a few key attributes).
 * The gateway's BatchTraceDto describes it in OpenAPI and implements it; the CLI and the
 * dashboard read it. Plain types only: nothing here runs.
 */
export type TraceSpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
export type TraceAttributeValue = string | number | boolean;

export interface TraceSpan {
  span_id: string;
  /** The CHILD_OF parent (null for a root); it may be outside `spans` when the document is truncated. */
  parent_span_id: string | null;
  /** Spans this one links to (FOLLOWS_FROM): e.g. each event a batched apply handled. */
  links: string[];
  service: string;
  name: string;
  kind: TraceSpanKind;
  /** Milliseconds from the trace's first span. */
  start_offset_ms: number;
  duration_ms: number;
  error: boolean;
  error_message: string | null;
  attributes: Record<string, TraceAttributeValue>;
}

/** One trace, whoever it belongs to. */
export interface TraceSummary {
  trace_id: string;
  /** Every span of the trace, also when `spans` is truncated. */
  span_count: number;
  /** Services of every span, sorted. */
  services: string[];
  /** The first span's start, ISO 8601. */
  start_time: string;
  /** From the first span's start to the last span's end. */
  duration_ms: number;
  /** Spans with an error, in the whole trace. */
  error_count: number;
  /** True when `spans` holds only the first `limit` spans by start. */
  truncated: boolean;
  /** Sorted by start. */
  spans: TraceSpan[];
}

/** A batch's own trace (its request, batch-level runs, its end); each domain attempt has its own. */
export interface BatchTrace extends TraceSummary {
  batch_id: string;
  /** The trace in Jaeger's UI, when the gateway knows one (JAEGER_UI_URL). */
  jaeger_ui_url?: string;
  /** A search on Jaeger's query API (relative to it) listing the batch's domain-attempt traces. */
  domain_traces_query: string;
}
