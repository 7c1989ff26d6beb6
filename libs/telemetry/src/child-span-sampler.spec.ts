import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { ChildSpanSampler, SAMPLES_CHILDREN_ATTRIBUTE, traceInShare } from './child-span-sampler';

function setup(percent: number): { tracer: Tracer; exported: () => ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new ChildSpanSampler(new SimpleSpanProcessor(exporter), percent)],
  });
  return { tracer: provider.getTracer('test'), exported: () => exporter.getFinishedSpans() };
}

/** A crawl span with `pages` CLIENT children and one PRODUCER child; failed or not. */
function crawl(tracer: Tracer, pages: number, failed: boolean): string {
  const scope = tracer.startSpan('scrape domain', { attributes: { [SAMPLES_CHILDREN_ATTRIBUTE]: true } });
  const inside = trace.setSpan(context.active(), scope);
  for (let i = 0; i < pages; i += 1) tracer.startSpan('GET page', { kind: SpanKind.CLIENT }, inside).end();
  tracer.startSpan('send trawl.batch-events', { kind: SpanKind.PRODUCER }, inside).end();
  if (failed) scope.setStatus({ code: SpanStatusCode.ERROR, message: 'connection_refused' });
  scope.end();
  return scope.spanContext().traceId;
}

const names = (spans: ReadableSpan[], traceId: string) =>
  spans.filter((span) => span.spanContext().traceId === traceId).map((span) => span.name);

describe('ChildSpanSampler: page spans kept for failed crawls, sampled for the others', () => {
  it('keeps every page span of a failed crawl and none of a successful one at 0 %', () => {
    const { tracer, exported } = setup(0);
    const failed = crawl(tracer, 3, true);
    const ok = crawl(tracer, 3, false);
    expect(names(exported(), failed).sort()).toEqual([
      'GET page',
      'GET page',
      'GET page',
      'scrape domain',
      'send trawl.batch-events',
    ]);
    // The crawl span and what it published stay; only the page spans go (no span names them as parent).
    expect(names(exported(), ok).sort()).toEqual(['scrape domain', 'send trawl.batch-events']);
  });

  it('keeps all at 100 %, and about the share asked for otherwise, chosen by trace id', () => {
    const all = setup(100);
    expect(names(all.exported(), crawl(all.tracer, 2, false))).toHaveLength(4);
    const some = setup(25);
    let kept = 0;
    for (let i = 0; i < 400; i += 1) {
      const traceId = crawl(some.tracer, 1, false);
      const pages = names(some.exported(), traceId).filter((name) => name === 'GET page').length;
      expect(pages).toBe(traceInShare(traceId, 25) ? 1 : 0);
      kept += pages;
    }
    expect(kept).toBeGreaterThan(60);
    expect(kept).toBeLessThan(140);
  });

  it('passes CLIENT spans that are not children of a sampling scope straight through', () => {
    const { tracer, exported } = setup(0);
    tracer.startSpan('GET page', { kind: SpanKind.CLIENT }).end();
    expect(exported().map((span) => span.name)).toEqual(['GET page']);
  });
});
