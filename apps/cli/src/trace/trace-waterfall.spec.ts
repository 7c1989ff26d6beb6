import {
  formatDuration,
  formatRange,
  renderTraceWaterfall,
  type TraceDocument,
  type TraceSpan,
} from './trace-waterfall';

function span(
  id: string,
  parent: string | null,
  service: string,
  name: string,
  start: number,
  duration: number,
  extra: Partial<TraceSpan> = {},
): TraceSpan {
  return {
    span_id: id,
    parent_span_id: parent,
    service,
    name,
    start_offset_ms: start,
    duration_ms: duration,
    error: false,
    error_message: null,
    ...extra,
  };
}

function document(spans: TraceSpan[], extra: Partial<TraceDocument> = {}): TraceDocument {
  return {
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_count: spans.length,
    services: [...new Set(spans.map((s) => s.service))].sort(),
    duration_ms: Math.max(...spans.map((s) => s.start_offset_ms + s.duration_ms)),
    error_count: spans.filter((s) => s.error).length,
    truncated: false,
    spans,
    ...extra,
  };
}

const width = (lines: string[]) => Math.max(...lines.map((line) => Array.from(line).length));

describe('the trace waterfall', () => {
  const small = document([
    span('a', null, 'trawl-gateway', 'POST /api/v1/batches', 0, 10),
    span('b', 'a', 'trawl-gateway', 'send trawl.batch-events', 5, 5),
    span('c', 'b', 'trawl-scheduler', 'process trawl.batch-events', 20, 30),
    span('d', 'c', 'trawl-scraper', 'GET page', 50, 50, {
      error: true,
      error_message: 'connection_refused',
      attributes: { 'trawl.domain': 'example.com' },
    }),
    span('e', 'c', 'trawl-scraper', 'GET robots.txt', 25, 0.5),
    span('f', 'b', 'trawl-scheduler', 'scheduler decisions', 60, 2),
  ]);

  it('draws the tree by parent, service, duration and a bar on the time axis; errors marked with their message', () => {
    expect(renderTraceWaterfall(small, { width: 80 })).toEqual([
      'trace 4bf92f3577b34da6a3ce929d0e0e4736 · 6 spans · 3 services · 100 ms · 1 ✗',
      '                                                            0             100 ms',
      'POST /api/v1/batches                    gateway       10 ms ██',
      '└─ send trawl.batch-events              gateway      5.0 ms  █',
      '   ├─ process trawl.batch-events        scheduler     30 ms     ██████',
      '   │  ├─ GET robots.txt                 scraper     0.50 ms      █',
      '   │  └─ ✗ GET page example.com         scraper       50 ms           ██████████',
      '   │        ✗ connection_refused',
      '   └─ scheduler decisions               scheduler    2.0 ms             █',
    ]);
  });

  it('fits every line in the width, cutting names with …, and keeps control characters out', () => {
    const hostile = document([
      span('a', null, 'trawl-gateway', `GET \u001b[31mred\u001b[0m\n${'x'.repeat(300)}`, 0, 10, {
        error: true,
        error_message: `bad\r\n${'y'.repeat(300)}`,
      }),
      ...Array.from({ length: 30 }, (_, i) =>
        span(`c${i}`, i === 0 ? 'a' : `c${i - 1}`, 'trawl-scraper', 'deep', i, 1),
      ),
    ]);
    for (const columns of [20, 60, 61, 80, 120, 200]) {
      const lines = renderTraceWaterfall(hostile, { width: columns });
      expect(width(lines)).toBeLessThanOrEqual(Math.max(60, columns));
      // eslint-disable-next-line no-control-regex
      for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }
    const lines = renderTraceWaterfall(hostile, { width: 80 });
    expect(lines.some((line) => line.includes('…'))).toBe(true);
    expect(lines).toHaveLength(3 + 31); // header, axis, 31 spans and one error message
  });

  it('collapses siblings with the same service and name beyond N into one line with their count and durations', () => {
    const events = Array.from({ length: 12 }, (_, i) =>
      span(`p${i}`, 'root', 'trawl-aggregator', 'process trawl.x.batch-events', 10 + i, 2 + i * 0.7, {
        error: i === 11,
      }),
    );
    const doc = document([
      span('root', null, 'trawl-scraper', 'scrape domain', 0, 40),
      ...events,
      span('child', 'p7', 'trawl-aggregator', 'insert', 18, 1),
      span('other', 'root', 'trawl-scraper', 'GET page', 30, 5),
    ]);
    const lines = renderTraceWaterfall(doc, { width: 120, collapseAfter: 3 });
    expect(lines.filter((line) => line.includes('process trawl.x.batch-events'))).toHaveLength(4);
    const summary = lines.find((line) => line.includes('more'))!;
    expect(summary).toMatch(
      /^├─ … 9 more aggregator `process trawl\.x\.batch-events` spans, 4\.1–9\.7 ms, 1 ✗, \+1 nested +░+$/,
    );
    // In start order: the summary stands where the first hidden span would have been, before GET page.
    expect(lines.indexOf(summary)).toBe(lines.findIndex((line) => line.includes('GET page')) - 1);
    expect(lines.some((line) => line.includes('insert'))).toBe(false);
    // Up to N of each kind are shown as they are.
    expect(renderTraceWaterfall(doc, { width: 120, collapseAfter: 12 }).some((line) => line.includes('more'))).toBe(
      false,
    );
  });

  it('says when the document is truncated, and draws spans whose parent is missing as roots', () => {
    const doc = document(
      [span('b', 'a-not-here', 'trawl-gateway', 'send', 5, 5), span('c', 'b', 'trawl-scheduler', 'process', 20, 30)],
      { span_count: 500, truncated: true, duration_ms: 1500, jaeger_ui_url: 'http://jaeger/trace/4bf9' },
    );
    const lines = renderTraceWaterfall(doc, { width: 80 });
    expect(lines[0]).toMatch(/^trace 4bf9\S+ · 500 spans · 2 services · 1\.50 s$/);
    expect(lines[1]).toBe('showing the first 2 of 500 spans by start (truncated)');
    expect(lines[2]).toBe('http://jaeger/trace/4bf9');
    expect(lines[4]).toMatch(/^send +gateway/);
    expect(lines[5]).toMatch(/^└─ process +scheduler/);
  });

  it('still shows spans caught in a cycle of parents, once each', () => {
    const doc = document([span('x', 'y', 'svc', 'x-span', 0, 1), span('y', 'x', 'svc', 'y-span', 1, 1)]);
    const lines = renderTraceWaterfall(doc, { width: 80 });
    expect(lines.filter((line) => line.includes('x-span'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('y-span'))).toHaveLength(1);
  });

  it('shows service names whole when they share no prefix, and handles an empty or instant trace', () => {
    const doc = document([span('a', null, 'api', 'GET /', 0, 0)], { duration_ms: 0 });
    const lines = renderTraceWaterfall(doc, { width: 60 });
    expect(lines[2]).toMatch(/^GET \/ +api +0\.00 ms █$/);
    expect(renderTraceWaterfall(document([], { duration_ms: 0, services: [] }), { width: 60 })).toHaveLength(2);
  });
});

describe('durations', () => {
  it.each([
    [0.4213, '0.42 ms'],
    [2.14, '2.1 ms'],
    [123.4, '123 ms'],
    [1234, '1.23 s'],
    [125_000, '2 m 05 s'],
    [-1, '?'],
  ])('%p ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('as ranges', () => {
    expect(formatRange(2.1, 9.8)).toBe('2.1–9.8 ms');
    expect(formatRange(120, 1500)).toBe('120 ms–1.50 s');
    expect(formatRange(3, 3)).toBe('3.0 ms');
  });
});
