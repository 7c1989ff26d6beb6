import { type Context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { spansSampledOut } from './metrics';

/**
 * Marks a span whose CLIENT children (the scraper's `GET page`, `GET robots.txt`, `GET sitemap`)
 * are kept or dropped together when it ends: all of them when it failed (status ERROR), a share
 * of them otherwise (see ChildSpanSampler).
 */
export const SAMPLES_CHILDREN_ATTRIBUTE = 'trawl.sampling.children';
/** The most spans held back at once, all scopes together (a few MB); beyond it they pass on at once. */
const MAX_HELD_SPANS = 10_000;
/** The most open scopes (crawls in flight); beyond it a new scope holds nothing back. */
const MAX_HELD_SCOPES = 1_000;

interface Scope {
  held: ReadableSpan[];
}

/**
 * Whether the spans of a trace are in the kept share: the trace id's last 8 hex digits read as a
 * fraction, below percent/100. The same answer for the same trace everywhere, like
 * TraceIdRatioBasedSampler, and independent of which process decides.
 */
export function traceInShare(traceId: string, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  return parseInt(traceId.slice(-8), 16) / 0x1_0000_0000 < percent / 100;
}

/**
 * Holds the CLIENT spans that are direct children of a span marked SAMPLES_CHILDREN_ATTRIBUTE
 * until that span ends, then passes them on if it failed or its trace is in the kept share
 * (`percent`), or drops them (counted in trawl_spans_sampled_out_total). Dropped spans have no
 * children of their own, so nothing is left with a dangling parent. Memory is bounded: at most
 * MAX_HELD_SPANS spans held in all (beyond that they pass on at once, as if kept) and
 * MAX_HELD_SCOPES open scopes (beyond that a new scope holds nothing back).
 */
export class ChildSpanSampler implements SpanProcessor {
  private readonly scopes = new Map<string, Scope>();
  private held = 0;

  constructor(
    private readonly next: SpanProcessor,
    private readonly percent: number,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    if (this.percent < 100 && span.attributes[SAMPLES_CHILDREN_ATTRIBUTE] === true) {
      if (this.scopes.size < MAX_HELD_SCOPES) this.scopes.set(span.spanContext().spanId, { held: [] });
    }
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const parentId = span.parentSpanContext?.spanId;
    const parentScope = parentId === undefined ? undefined : this.scopes.get(parentId);
    if (parentScope && span.kind === SpanKind.CLIENT && this.held < MAX_HELD_SPANS) {
      parentScope.held.push(span);
      this.held += 1;
      return;
    }
    const ownId = span.spanContext().spanId;
    const own = this.scopes.get(ownId);
    if (own) {
      this.scopes.delete(ownId);
      this.held -= own.held.length;
      const keep = span.status.code === SpanStatusCode.ERROR || traceInShare(span.spanContext().traceId, this.percent);
      if (keep) for (const child of own.held) this.next.onEnd(child);
      else spansSampledOut.inc(own.held.length);
    }
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    this.scopes.clear();
    this.held = 0;
    return this.next.shutdown();
  }
}
