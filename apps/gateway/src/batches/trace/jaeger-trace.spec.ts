import { type JaegerSpan, type JaegerTrace, normaliseJaegerTrace } from './jaeger-trace';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0) * 1000; // microseconds

function span(
  id: string,
  name: string,
  process: string,
  startUs: number,
  durationUs: number,
  options: { parent?: string; links?: string[]; tags?: Record<string, unknown>; logs?: JaegerSpan['logs'] } = {},
): JaegerSpan {
  return {
    traceID: 'abc123',
    spanID: id,
    operationName: name,
    references: [
      ...(options.parent ? [{ refType: 'CHILD_OF', traceID: 'abc123', spanID: options.parent }] : []),
      ...(options.links ?? []).map((link) => ({ refType: 'FOLLOWS_FROM', traceID: 'abc123', spanID: link })),
    ],
    startTime: T0 + startUs,
    duration: durationUs,
    tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({
      key,
      type: typeof value === 'number' ? 'int64' : typeof value === 'boolean' ? 'bool' : 'string',
      value,
    })),
    logs: options.logs ?? [],
    processID: process,
  };
}

const processes = {
  p1: { serviceName: 'trawl-gateway' },
  p2: { serviceName: 'trawl-scheduler' },
  p3: { serviceName: 'trawl-scraper' },
};

/** A small batch's trace, in the order Jaeger may give it (not by start). */
const trace: JaegerTrace = {
  traceID: 'abc123',
  processes,
  spans: [
    span('c', 'process trawl.batch-events', 'p2', 4_000, 1_500, {
      parent: 'b',
      tags: {
        'span.kind': 'consumer',
        'messaging.destination.name': 'trawl.batch-events',
        'messaging.kafka.offset': 17,
        'messaging.destination.partition.id': '2',
        'trawl.batch.id': 'b-1',
        'peer.service': 'ignored',
        'otel.library.name': 'ignored',
      },
    }),
    span('a', 'POST /api/v1/batches', 'p1', 0, 12_345, {
      tags: { 'span.kind': 'server', 'http.route': '/api/v1/batches', 'http.response.status_code': 202 },
    }),
    span('b', 'send trawl.batch-events', 'p1', 2_000, 800, { parent: 'a', tags: { 'span.kind': 'producer' } }),
    span('d', 'GET page', 'p3', 6_000, 3_000, {
      parent: 'c',
      tags: {
        'span.kind': 'client',
        'url.full': 'http://x.test/',
        error: true,
        'otel.status_code': 'ERROR',
        'otel.status_description': 'connection_refused',
      },
    }),
    span('e', 'GET robots.txt', 'p3', 6_000, 100, {
      parent: 'c',
      tags: { 'span.kind': 'client', error: true },
      logs: [{ timestamp: T0 + 6_050, fields: [{ key: 'exception.message', value: 'boom' }] }],
    }),
    span('f', 'apply events', 'p2', 20_000, 250, { links: ['b', 'c'], tags: { 'trawl.events': 2 } }),
  ],
};

describe('a Jaeger trace as a trace document', () => {
  it('sorts by start, times from the first span, parents, links, kinds, errors and key attributes', () => {
    const doc = normaliseJaegerTrace(trace, 2_000);
    expect(doc).toMatchObject({
      trace_id: 'abc123',
      span_count: 6,
      services: ['trawl-gateway', 'trawl-scheduler', 'trawl-scraper'],
      start_time: '2026-12-01T12:00:00.000Z',
      duration_ms: 20.25,
      error_count: 2,
      truncated: false,
    });
    // Same start: the parent (c) before its children; then by id (d before e).
    expect(doc.spans.map((s) => s.span_id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(doc.spans[0]).toEqual({
      span_id: 'a',
      parent_span_id: null,
      links: [],
      service: 'trawl-gateway',
      name: 'POST /api/v1/batches',
      kind: 'server',
      start_offset_ms: 0,
      duration_ms: 12.345,
      error: false,
      error_message: null,
      attributes: { 'http.route': '/api/v1/batches', 'http.response.status_code': 202 },
    });
    expect(doc.spans[2]).toMatchObject({
      parent_span_id: 'b',
      service: 'trawl-scheduler',
      kind: 'consumer',
      start_offset_ms: 4,
      duration_ms: 1.5,
      attributes: {
        'messaging.destination.name': 'trawl.batch-events',
        'messaging.kafka.offset': 17,
        'messaging.destination.partition.id': '2',
        'trawl.batch.id': 'b-1',
      },
    });
    expect(Object.keys(doc.spans[2]!.attributes)).not.toContain('peer.service');
    expect(doc.spans[3]).toMatchObject({ error: true, error_message: 'connection_refused', kind: 'client' });
    expect(doc.spans[4]).toMatchObject({ error: true, error_message: 'boom' });
    expect(doc.spans[5]).toMatchObject({ parent_span_id: null, links: ['b', 'c'], kind: 'internal' });
  });

  it('keeps the earliest `limit` spans and says truncated, counting the whole trace', () => {
    const doc = normaliseJaegerTrace(trace, 2);
    expect(doc.spans.map((s) => s.span_id)).toEqual(['a', 'b']);
    expect(doc).toMatchObject({ truncated: true, span_count: 6, error_count: 2, duration_ms: 20.25 });
    expect(doc.services).toHaveLength(3);
    expect(normaliseJaegerTrace(trace, 6).truncated).toBe(false);
  });

  it('survives what Jaeger may leave out: null references, tags and logs, an unknown process, long values', () => {
    const bare: JaegerTrace = {
      traceID: 't',
      processes: {},
      spans: [
        {
          spanID: 's',
          operationName: 'x',
          references: null,
          startTime: T0,
          duration: 1,
          tags: [
            { key: 'url.full', value: `http://a.test/${'é'.repeat(600)}` },
            { key: 'error', value: 'true' },
          ],
          logs: null,
          processID: 'nope',
        },
      ],
    };
    const [only] = normaliseJaegerTrace(bare, 10).spans;
    expect(only).toMatchObject({ service: 'unknown', parent_span_id: null, kind: 'internal', error: true });
    expect(only!.error_message).toBeNull();
    const url = only!.attributes['url.full'] as string;
    expect(Array.from(url)).toHaveLength(500);
    expect(url.endsWith('…')).toBe(true);
  });
});
