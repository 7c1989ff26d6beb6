// Sends a parent span and a child span to an OTLP/HTTP endpoint with the OpenTelemetry SDK's own
// OTLPTraceExporter, in a plain Node process, and prints what it sent as one JSON line.
//
// Why a child process: the exporter loads node:http with a dynamic import(), which Jest's module
// sandbox refuses without --experimental-vm-modules; the services run in plain Node, like this.
//
// usage: node test/stack/otlp-emitter.cjs '{"endpoint":"http://127.0.0.1:4318","serviceName":"x",
//        "attributes":{"k":"v"},"childAttributes":{"k":"v"}}'
'use strict';
const { context, trace, SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');

async function main() {
  const input = JSON.parse(process.argv[2] ?? '{}');
  const results = [];
  const otlp = new OTLPTraceExporter({ url: `${input.endpoint.replace(/\/$/, '')}/v1/traces` });
  // Records each export's outcome: a refused export is otherwise only logged through diag.
  const exporter = {
    export(spans, done) {
      otlp.export(spans, (result) => {
        results.push({ code: result.code, error: result.error ? String(result.error.message) : undefined });
        done(result);
      });
    },
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': input.serviceName, 'service.version': '0.0.0-test' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 60_000 })],
  });
  const tracer = provider.getTracer('trawl-int-spec');
  const parent = tracer.startSpan('POST /api/v3/batches', { kind: SpanKind.SERVER, attributes: input.attributes });
  const child = tracer.startSpan(
    'batch.requested publish',
    { kind: SpanKind.PRODUCER, attributes: input.childAttributes },
    trace.setSpan(context.active(), parent),
  );
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'broker said no' });
  child.end();
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  process.stdout.write(
    `${JSON.stringify({
      traceId: parent.spanContext().traceId,
      parentSpanId: parent.spanContext().spanId,
      childSpanId: child.spanContext().spanId,
      childTraceId: child.spanContext().traceId,
      results,
    })}\n`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
