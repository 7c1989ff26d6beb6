import { type TraceSpan } from '../api/types';

/** One line of the waterfall: a span at its depth in the tree, its bar as fractions of the trace's duration. */
export interface WaterfallRow {
  span: TraceSpan;
  depth: number;
  left: number;
  width: number;
}

/**
 * The spans in tree order (each parent followed by its children, siblings by start); a span whose
 * parent is not in the document (truncated, or a link across traces) is a root. Bars are fractions of `durationMs`.
 */
export function waterfall(spans: readonly TraceSpan[], durationMs: number): WaterfallRow[] {
  const ids = new Set(spans.map((span) => span.span_id));
  const children = new Map<string | null, TraceSpan[]>();
  for (const span of spans) {
    const parent = span.parent_span_id !== null && ids.has(span.parent_span_id) ? span.parent_span_id : null;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.start_offset_ms - b.start_offset_ms);
  const total = durationMs > 0 ? durationMs : Math.max(1, ...spans.map((s) => s.start_offset_ms + s.duration_ms));
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const stack: { span: TraceSpan; depth: number }[] = (children.get(null) ?? [])
    .map((span) => ({ span, depth: 0 }))
    .reverse();
  while (stack.length > 0) {
    const { span, depth } = stack.pop()!;
    if (seen.has(span.span_id)) continue;
    seen.add(span.span_id);
    const left = Math.min(1, Math.max(0, span.start_offset_ms / total));
    const width = Math.min(1 - left, Math.max(0, span.duration_ms / total));
    rows.push({ span, depth, left, width });
    const kids = children.get(span.span_id) ?? [];
    for (let i = kids.length - 1; i >= 0; i -= 1) stack.push({ span: kids[i]!, depth: depth + 1 });
  }
  return rows;
}
