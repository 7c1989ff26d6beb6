/**
 * Jaeger's query API (v1 JSON, `GET /api/traces/{traceId}`) to Trawl's trace document: one flat
 * list of spans sorted by start, times relative to the trace's first span, a few key attributes.
 * Pure: no I/O, so that it can be tested on recorded answers.
 */
import { type TraceAttributeValue, type TraceSpan, type TraceSpanKind, type TraceSummary } from '@trawl/contracts';

export interface JaegerTag {
  key: string;
  type?: string;
  value: unknown;
}
export interface JaegerReference {
  refType: string;
  traceID?: string;
  spanID: string;
}
export interface JaegerSpan {
  traceID?: string;
  spanID: string;
  operationName: string;
  references?: JaegerReference[] | null;
  /** Microseconds since the epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags?: JaegerTag[] | null;
  logs?: { timestamp: number; fields: JaegerTag[] }[] | null;
  processID: string;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** The attributes a reader needs to follow a batch; the rest stays in Jaeger. */
export const KEY_ATTRIBUTES: readonly string[] = [
  'http.request.method',
  'http.route',
  'http.response.status_code',
  'url.full',
  'server.address',
  'messaging.operation.type',
  'messaging.destination.name',
  'messaging.destination.partition.id',
  'messaging.kafka.offset',
  'messaging.consumer.group.name',
  'messaging.batch.message_count',
  'messaging.message.id',
  'error.type',
];
const KEY_PREFIX = 'trawl.';
const MAX_TEXT = 500;
const KINDS: readonly TraceSpanKind[] = ['server', 'client', 'producer', 'consumer', 'internal'];

const ms = (micros: number) => Math.round(micros) / 1000;

function text(value: unknown): string {
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  const points = Array.from(raw ?? '');
  return points.length > MAX_TEXT ? `${points.slice(0, MAX_TEXT - 1).join('')}…` : raw;
}

function attributeValue(value: unknown): TraceAttributeValue {
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return value;
  return text(value);
}

const isErrorTag = (tag: JaegerTag) =>
  (tag.key === 'error' && (tag.value === true || tag.value === 'true')) ||
  (tag.key === 'otel.status_code' && tag.value === 'ERROR');

function errorOf(tags: Map<string, unknown>, span: JaegerSpan): { error: boolean; message: string | null } {
  if (!(span.tags ?? []).some(isErrorTag)) return { error: false, message: null };
  const description = tags.get('otel.status_description');
  if (typeof description === 'string' && description !== '') return { error: true, message: text(description) };
  for (const log of [...(span.logs ?? [])].reverse()) {
    const message = log.fields.find((field) => field.key === 'exception.message')?.value;
    if (typeof message === 'string' && message !== '') return { error: true, message: text(message) };
  }
  const type = tags.get('error.type');
  return { error: true, message: typeof type === 'string' && type !== '' ? text(type) : null };
}

function spanView(span: JaegerSpan, trace: JaegerTrace, traceStart: number): TraceSpan {
  const tags = new Map<string, unknown>((span.tags ?? []).map((tag) => [tag.key, tag.value]));
  const references = span.references ?? [];
  const parent = references.find((ref) => ref.refType === 'CHILD_OF');
  const kind = tags.get('span.kind');
  const { error, message } = errorOf(tags, span);
  const attributes: Record<string, TraceAttributeValue> = {};
  for (const [key, value] of tags) {
    if (KEY_ATTRIBUTES.includes(key) || key.startsWith(KEY_PREFIX)) attributes[key] = attributeValue(value);
  }
  return {
    span_id: span.spanID,
    parent_span_id: parent?.spanID ?? null,
    links: references.filter((ref) => ref.refType === 'FOLLOWS_FROM').map((ref) => ref.spanID),
    service: trace.processes[span.processID]?.serviceName ?? 'unknown',
    name: span.operationName,
    kind: KINDS.includes(kind as TraceSpanKind) ? (kind as TraceSpanKind) : 'internal',
    start_offset_ms: ms(span.startTime - traceStart),
    duration_ms: ms(span.duration),
    error,
    error_message: message,
    attributes,
  };
}

/** Orders by start, then parents before their children, then by id (a stable order for equal times). */
function byStart(a: JaegerSpan, b: JaegerSpan): number {
  if (a.startTime !== b.startTime) return a.startTime - b.startTime;
  const aIsParentOfB = (b.references ?? []).some((ref) => ref.refType === 'CHILD_OF' && ref.spanID === a.spanID);
  const bIsParentOfA = (a.references ?? []).some((ref) => ref.refType === 'CHILD_OF' && ref.spanID === b.spanID);
  if (aIsParentOfB !== bIsParentOfA) return aIsParentOfB ? -1 : 1;
  return a.spanID < b.spanID ? -1 : a.spanID > b.spanID ? 1 : 0;
}

/**
 * The document of one trace, with at most `limit` spans (the earliest by start); the counts,
 * services, times and errors are always of the whole trace.
 */
export function normaliseJaegerTrace(trace: JaegerTrace, limit: number): TraceSummary {
  const spans = [...trace.spans].sort(byStart);
  const first = spans[0];
  const traceStart = first?.startTime ?? 0;
  const traceEnd = spans.reduce((end, span) => Math.max(end, span.startTime + span.duration), traceStart);
  const services = new Set<string>();
  let errors = 0;
  for (const span of spans) {
    services.add(trace.processes[span.processID]?.serviceName ?? 'unknown');
    if ((span.tags ?? []).some(isErrorTag)) errors += 1;
  }
  return {
    trace_id: trace.traceID,
    span_count: spans.length,
    services: [...services].sort(),
    start_time: new Date(Math.floor(traceStart / 1000)).toISOString(),
    duration_ms: ms(traceEnd - traceStart),
    error_count: errors,
    truncated: spans.length > limit,
    spans: spans.slice(0, limit).map((span) => spanView(span, trace, traceStart)),
  };
}
