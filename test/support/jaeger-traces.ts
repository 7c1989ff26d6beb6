/** Jaeger's query API (the v1 JSON of /api/traces), the parts the trace tests and benches read. */
export interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[];
  tags: { key: string; value: string | number | boolean }[];
  processID: string;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

export const tagOf = (span: JaegerSpan, key: string) => span.tags.find((entry) => entry.key === key)?.value;

export const serviceOf = (found: JaegerTrace, span: JaegerSpan) => found.processes[span.processID]!.serviceName;

/** Spans that name a parent the trace does not hold. */
export function danglingParents(found: JaegerTrace): JaegerSpan[] {
  const ids = new Set(found.spans.map((span) => span.spanID));
  return found.spans.filter((span) =>
    span.references.some((ref) => ref.refType === 'CHILD_OF' && ref.traceID === span.traceID && !ids.has(ref.spanID)),
  );
}

/** Spans without a parent in their trace. */
export const rootsOf = (found: JaegerTrace) =>
  found.spans.filter((span) => !span.references.some((ref) => ref.refType === 'CHILD_OF'));

export async function jaegerTrace(baseUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${baseUrl}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`Jaeger answered ${response.status} for trace ${traceId}`);
  return ((await response.json()) as { data: JaegerTrace[] }).data[0];
}

/**
 * The traces of a batch's domain attempts: those whose root is the scheduler's `dispatch` span
 * tagged with the batch id (Jaeger's search by tag).
 */
export async function attemptTraces(baseUrl: string, batchId: string, limit = 1_000): Promise<JaegerTrace[]> {
  const query = new URLSearchParams({
    service: 'trawl-scheduler',
    operation: 'dispatch',
    tags: JSON.stringify({ 'trawl.batch.id': batchId }),
    start: String((Date.now() - 2 * 3_600_000) * 1_000),
    end: String((Date.now() + 60_000) * 1_000),
    limit: String(limit),
  });
  const response = await fetch(`${baseUrl}/api/traces?${query.toString()}`);
  if (!response.ok) throw new Error(`Jaeger search answered ${response.status}`);
  return ((await response.json()) as { data: JaegerTrace[] | null }).data ?? [];
}
