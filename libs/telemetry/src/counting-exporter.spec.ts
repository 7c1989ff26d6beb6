import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { CountingSpanExporter } from './counting-exporter';
import { metricsRegistry } from './metrics';

/** An exporter whose next results are scripted. */
function scripted(results: ExportResult['code'][]): SpanExporter {
  return {
    export: (_spans, done) => done({ code: results.shift()! }),
    shutdown: () => Promise.resolve(),
  };
}

const dropped = async () => {
  const text = await metricsRegistry.getSingleMetricAsString('trawl_spans_dropped_total');
  return Number(/trawl_spans_dropped_total(?:\{[^}]*\})? (\d+)/.exec(text)?.[1] ?? 0);
};

describe('span export that fails', () => {
  it('counts the spans it drops and warns once when it starts failing and once when it recovers', async () => {
    const warnings: string[] = [];
    const exporter = new CountingSpanExporter(
      scripted([ExportResultCode.FAILED, ExportResultCode.FAILED, ExportResultCode.SUCCESS]),
      (_fields, message) => warnings.push(message),
    );
    const before = await dropped();
    const spans = [{}, {}, {}] as ReadableSpan[];
    const results: ExportResult['code'][] = [];
    for (let i = 0; i < 3; i += 1) exporter.export(spans, (result) => results.push(result.code));
    expect(results).toEqual([ExportResultCode.FAILED, ExportResultCode.FAILED, ExportResultCode.SUCCESS]);
    expect((await dropped()) - before).toBe(6);
    expect(warnings).toEqual(['span export failing; spans are dropped and counted', 'span export works again']);
  });
});
