/**
 * The trace document of `GET /api/v1/batches/:id/trace` (the gateway's BatchTraceDto), as the
 * CLI reads it. Only what the renderer uses is required.
 */
export interface TraceSpan {
  span_id: string;
  /** Null for a root; may name a span outside `spans` when the document is truncated. */
  parent_span_id: string | null;
  links?: string[];
  service: string;
  name: string;
  kind?: string;
  /** Milliseconds from the trace's first span. */
  start_offset_ms: number;
  duration_ms: number;
  error: boolean;
  error_message?: string | null;
  attributes?: Record<string, string | number | boolean>;
}

export interface TraceDocument {
  batch_id?: string;
  trace_id: string;
  /** Spans in the whole trace, also when `spans` is truncated. */
  span_count: number;
  services: string[];
  start_time?: string;
  /** From the first span's start to the last span's end. */
  duration_ms: number;
  error_count?: number;
  truncated: boolean;
  jaeger_ui_url?: string;
  /** Sorted by start. */
  spans: TraceSpan[];
}
