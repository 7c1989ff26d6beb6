import { type BatchTrace } from '@trawl/contracts';

/** T with the keys K required and the rest optional. */
type Needing<T, K extends keyof T> = Pick<T, K> & Partial<Omit<T, K>>;

/** What the waterfall needs of a span of a BatchTrace (the CLI also reads older gateways' documents). */
export type TraceSpan = Needing<
  Omit<BatchTrace['spans'][number], 'kind'>,
  'span_id' | 'parent_span_id' | 'service' | 'name' | 'start_offset_ms' | 'duration_ms' | 'error'
> & { kind?: string };

/** What the waterfall needs of a BatchTrace. */
export type TraceDocument = Needing<
  Omit<BatchTrace, 'spans'>,
  'trace_id' | 'span_count' | 'services' | 'duration_ms' | 'truncated'
> & { spans: TraceSpan[] };

export interface WaterfallOptions {
  /** Terminal columns (e.g. process.stdout.columns); at least 60 are used. */
  width: number;
  /**
   * Siblings with the same service and name shown one by one before the rest of them are
   * summarised on one line ("… 180 more `GET page` spans, 2.1–9.8 ms"). Default 5.
   */
  collapseAfter?: number;
}

export const DEFAULT_COLLAPSE_AFTER = 5;
const MIN_WIDTH = 60;
const DURATION_COLUMN = 9;
const SPAN_CELL = '█';
const COLLAPSED_CELL = '░';
const ERROR_MARK = '✗';

/**
 * A trace as a waterfall, one string per line (no trailing newlines, no colour): a header, a
 * time axis, then each span as `tree + name | service | duration | bar on the time axis`, its
 * children indented under it in start order; a span that failed is marked ✗, its message on
 * the next line. Runs of siblings with the same service and name beyond `collapseAfter` are one
 * line (count, duration range, and a bar over the time they cover). Spans whose parent is not in
 * the document (a truncated document) are drawn as roots. Every line fits in `width` columns
 * (counting each code point as one column); text from the trace is stripped of control characters.
 */
export function renderTraceWaterfall(doc: TraceDocument, options: WaterfallOptions): string[] {
  const width = Math.max(MIN_WIDTH, Number.isFinite(options.width) ? Math.floor(options.width) : 80);
  const collapseAfter = Math.max(1, Math.floor(options.collapseAfter ?? DEFAULT_COLLAPSE_AFTER));
  const total = doc.duration_ms > 0 ? doc.duration_ms : 1;
  const serviceLabel = shortServiceNames(doc.services.length > 0 ? doc.services : doc.spans.map((s) => s.service));
  const serviceWidth = Math.min(14, Math.max(4, most(doc.spans.map((s) => length(serviceLabel(s.service))))));
  const barWidth = Math.max(12, Math.floor(width * 0.25));
  const labelWidth = width - barWidth - serviceWidth - DURATION_COLUMN - 3;

  const lines: string[] = [];
  const errors = doc.error_count ?? doc.spans.filter((span) => span.error).length;
  lines.push(
    fitWidth(
      `trace ${clean(doc.trace_id)} · ${doc.span_count} spans · ${doc.services.length} services · ` +
        `${formatDuration(doc.duration_ms)}${errors > 0 ? ` · ${errors} ${ERROR_MARK}` : ''}`,
      width,
    ),
  );
  if (doc.truncated) {
    lines.push(
      fitWidth(`showing the first ${doc.spans.length} of ${doc.span_count} spans by start (truncated)`, width),
    );
  }
  if (doc.jaeger_ui_url) lines.push(fitWidth(clean(doc.jaeger_ui_url), width));
  const axisEnd = formatDuration(doc.duration_ms);
  const axis = `0${' '.repeat(Math.max(1, barWidth - 1 - length(axisEnd)))}${axisEnd}`;
  lines.push(`${' '.repeat(width - barWidth)}${fitWidth(axis, barWidth)}`);

  const bar = (startMs: number, endMs: number, cell: string) => {
    const from = Math.min(barWidth - 1, Math.max(0, Math.floor((startMs / total) * barWidth)));
    const to = Math.min(barWidth, Math.max(from + 1, Math.ceil((endMs / total) * barWidth)));
    return `${' '.repeat(from)}${cell.repeat(to - from)}${' '.repeat(barWidth - to)}`.trimEnd();
  };

  // The tree: children of each span by start; spans whose parent is not in the document are roots.
  const ids = new Set(doc.spans.map((span) => span.span_id));
  const children = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const span of doc.spans) {
    const parent = span.parent_span_id;
    if (parent !== null && parent !== span.span_id && ids.has(parent)) {
      const siblings = children.get(parent) ?? [];
      siblings.push(span);
      children.set(parent, siblings);
    } else roots.push(span);
  }
  const byStart = (a: TraceSpan, b: TraceSpan) => a.start_offset_ms - b.start_offset_ms;
  roots.sort(byStart);
  for (const siblings of children.values()) siblings.sort(byStart);
  const visited = new Set<string>();
  /** Marks a span and everything under it as drawn (collapsed); how many spans that was. */
  const hide = (span: TraceSpan): number => {
    let size = 0;
    const stack = [span];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (visited.has(next.span_id)) continue;
      visited.add(next.span_id);
      size += 1;
      stack.push(...(children.get(next.span_id) ?? []));
    }
    return size;
  };

  type Item = { span: TraceSpan } | { hidden: TraceSpan[] };
  const itemsOf = (siblings: TraceSpan[]): Item[] => {
    const shown = new Map<string, number>();
    const hidden = new Map<string, TraceSpan[]>();
    const items: Item[] = [];
    for (const span of siblings) {
      const key = `${span.service}\u0000${span.name}`;
      const count = shown.get(key) ?? 0;
      if (count < collapseAfter) {
        shown.set(key, count + 1);
        items.push({ span });
        continue;
      }
      const group = hidden.get(key);
      if (group) group.push(span);
      else {
        const fresh = [span];
        hidden.set(key, fresh);
        items.push({ hidden: fresh });
      }
    }
    return items;
  };

  const renderSpan = (span: TraceSpan, head: string, tail: string) => {
    visited.add(span.span_id);
    const domain = span.attributes?.['trawl.domain'];
    const name = `${span.error ? `${ERROR_MARK} ` : ''}${clean(span.name)}${
      typeof domain === 'string' && !span.name.includes(domain) ? ` ${clean(domain)}` : ''
    }`;
    lines.push(
      `${pad(fitWidth(`${head}${name}`, labelWidth), labelWidth)} ${pad(fitWidth(serviceLabel(span.service), serviceWidth), serviceWidth)} ` +
        `${formatDuration(span.duration_ms).padStart(DURATION_COLUMN)} ${bar(span.start_offset_ms, span.start_offset_ms + span.duration_ms, SPAN_CELL)}`.trimEnd(),
    );
    if (span.error && span.error_message) {
      lines.push(
        fitWidth(`${tail}${hasChildren(span) ? '│  ' : '   '}${ERROR_MARK} ${clean(span.error_message)}`, width),
      );
    }
  };
  const hasChildren = (span: TraceSpan) => (children.get(span.span_id)?.length ?? 0) > 0;

  const renderHidden = (group: TraceSpan[], head: string) => {
    const first = group[0]!;
    const durations = group.map((span) => span.duration_ms);
    const under = group.reduce((sum, span) => sum + Math.max(0, hide(span) - 1), 0);
    const failed = group.filter((span) => span.error).length;
    const textWidth = width - barWidth - 1;
    // The counts and times always show; the name gives way (cut with …) when the line is short.
    const before = `${head}… ${group.length} more ${serviceLabel(first.service)} \``;
    const after =
      `\` spans, ${formatRange(least(durations), most(durations))}` +
      `${failed > 0 ? `, ${failed} ${ERROR_MARK}` : ''}${under > 0 ? `, +${under} nested` : ''}`;
    const text = `${before}${fitWidth(clean(first.name), Math.max(8, textWidth - length(before) - length(after)))}${after}`;
    const start = least(group.map((span) => span.start_offset_ms));
    const end = most(group.map((span) => span.start_offset_ms + span.duration_ms));
    lines.push(`${pad(fitWidth(text, textWidth), textWidth)} ${bar(start, end, COLLAPSED_CELL)}`.trimEnd());
  };

  // Depth-first, iteratively (a deep trace must not exhaust the stack).
  const walk = (siblings: TraceSpan[], prefix: string, top: boolean) => {
    type Frame = { items: Item[]; index: number; prefix: string; top: boolean };
    const stack: Frame[] = [{ items: itemsOf(siblings), index: 0, prefix, top }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.index >= frame.items.length) {
        stack.pop();
        continue;
      }
      const item = frame.items[frame.index]!;
      frame.index += 1;
      const last = frame.index === frame.items.length;
      const head = frame.top ? frame.prefix : `${frame.prefix}${last ? '└─ ' : '├─ '}`;
      const tail = frame.top ? frame.prefix : `${frame.prefix}${last ? '   ' : '│  '}`;
      if ('hidden' in item) {
        renderHidden(item.hidden, head);
        continue;
      }
      if (visited.has(item.span.span_id)) continue;
      renderSpan(item.span, head, tail);
      const kids = (children.get(item.span.span_id) ?? []).filter((kid) => !visited.has(kid.span_id));
      if (kids.length > 0) stack.push({ items: itemsOf(kids), index: 0, prefix: tail, top: false });
    }
  };
  walk(roots, '', true);
  // Spans only reachable through a cycle of parents (malformed data) still appear.
  const left = doc.spans.filter((span) => !visited.has(span.span_id));
  if (left.length > 0) walk(left, '', true);
  return lines;
}

/** Service names without their common "xxx-" prefix (trawl-gateway → gateway), when all share one. */
function shortServiceNames(services: string[]): (service: string) => string {
  const first = services[0] ?? '';
  const dash = first.indexOf('-');
  const prefix = dash > 0 ? first.slice(0, dash + 1) : '';
  if (!prefix || !services.every((service) => service.startsWith(prefix) && service.length > prefix.length)) {
    return clean;
  }
  return (service) => clean(service.startsWith(prefix) ? service.slice(prefix.length) : service);
}

/** 0.42 ms, 2.1 ms, 123 ms, 1.23 s, 2 m 05 s */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} m ${String(seconds % 60).padStart(2, '0')} s`;
}

/** 2.1–9.8 ms; 120 ms–1.50 s; one value when both ends are equal. */
export function formatRange(low: number, high: number): string {
  const [a, b] = [formatDuration(low), formatDuration(high)];
  if (a === b) return a;
  if (a.endsWith(' ms') && b.endsWith(' ms')) return `${a.slice(0, -3)}–${b}`;
  return `${a}–${b}`;
}

/** Text from the trace without control characters (no escape sequences reach the terminal). */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

const least = (values: number[]) => values.reduce((a, b) => Math.min(a, b), Infinity);
const most = (values: number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);

function length(text: string): number {
  return Array.from(text).length;
}

/** Cut to `columns` code points, ending with … when cut. */
function fitWidth(text: string, columns: number): string {
  const points = Array.from(text);
  if (points.length <= columns) return text;
  return `${points.slice(0, Math.max(0, columns - 1)).join('')}…`;
}

function pad(text: string, columns: number): string {
  return text + ' '.repeat(Math.max(0, columns - length(text)));
}
