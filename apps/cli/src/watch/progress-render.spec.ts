import {
  buildSummary,
  formatClock,
  formatDuration,
  PlainProgressThrottle,
  renderPlainLine,
  renderProgressBar,
  renderSummary,
} from './progress-render';
import { applyEvent, newWatchState, type WatchState } from './watch-state';

const ID = '282348a7-ac5b-41c2-a279-9eea14a17bcc';

function stateWith(counts: {
  status: string;
  total: number;
  ok: number;
  failed: number;
  cancelled: number;
}): WatchState {
  const state = newWatchState(ID);
  const ended = counts.ok + counts.failed + counts.cancelled;
  applyEvent(state, {
    event: 'progress',
    id: '1',
    data: JSON.stringify({
      status: counts.status,
      total_domains: counts.total,
      completed_domains: counts.ok,
      failed_domains: counts.failed,
      cancelled_domains: counts.cancelled,
      progress: Math.round((ended / counts.total) * 10_000) / 10_000,
    }),
  });
  return state;
}

describe('durations', () => {
  it.each([
    [0.4, '0.4 s'],
    [12.345, '12.3 s'],
    [59.94, '59.9 s'],
    [65, '1 min 05 s'],
    [3599, '59 min 59 s'],
    [7380, '2 h 03 min'],
  ])('formatDuration(%d) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([
    [0, '0:00'],
    [7_900, '0:07'],
    [750_000, '12:30'],
    [3_723_000, '1:02:03'],
  ])('formatClock(%d) = %s', (ms, text) => {
    expect(formatClock(ms)).toBe(text);
  });
});

describe('renderProgressBar', () => {
  it('waits for the first counts', () => {
    expect(renderProgressBar(newWatchState(ID), 3_000)).toBe(`waiting for batch ${ID} … 0:03`);
  });

  it('fills the bar in proportion and shows the counts, status and clock', () => {
    const state = stateWith({ status: 'running', total: 10, ok: 5, failed: 1, cancelled: 0 });
    expect(renderProgressBar(state, 12_000)).toBe(
      '[██████████████░░░░░░░░░░]  60%  6/10 · 5 ok · 1 failed · 0 cancelled · running · 0:12',
    );
  });

  it('is empty at 0 and full at 1', () => {
    const none = renderProgressBar(stateWith({ status: 'running', total: 3, ok: 0, failed: 0, cancelled: 0 }), 0);
    const all = renderProgressBar(stateWith({ status: 'complete', total: 3, ok: 3, failed: 0, cancelled: 0 }), 0);
    expect(none).toMatch(/^\[░{24}\] {3}0% {2}/);
    expect(all).toMatch(/^\[█{24}\] 100% {2}/);
  });

  it('fits the terminal: the bar takes the room left, and the line stops before the last column', () => {
    const state = stateWith({ status: 'running', total: 10, ok: 5, failed: 1, cancelled: 0 });
    const wide = renderProgressBar(state, 12_000, 200);
    expect(wide).toMatch(/^\[[█░]{30}\]/);
    for (const columns of [120, 100, 80, 60, 20]) {
      const line = renderProgressBar(state, 12_000, columns);
      expect([...line].length).toBeLessThan(columns);
      expect(line).not.toMatch(/\n/);
    }
    expect(renderProgressBar(state, 12_000, 100)).toMatch(/^\[[█░]{30}\] {2}60% {2}6\/10 .* 0:12$/);
    const eighty = renderProgressBar(state, 12_000, 80);
    expect(eighty).toMatch(/^\[█{10}░{7}\] {2}60% {2}6\/10 .* 0:12$/);
    expect([...eighty]).toHaveLength(79);
    expect(renderProgressBar(newWatchState(ID), 0, 30)).toBe('waiting for batch 282348a7-ac');
  });
});

describe('plain progress lines', () => {
  it('say the counts in words', () => {
    const state = stateWith({ status: 'running', total: 10, ok: 5, failed: 1, cancelled: 0 });
    expect(renderPlainLine(state)).toBe(
      `batch ${ID}: running, 6 of 10 domains ended (5 succeeded, 1 failed, 0 cancelled)`,
    );
  });

  it('come now and then: the first, then a changed line at most once per interval', () => {
    const throttle = new PlainProgressThrottle(10_000);
    const printed = [
      ['a', 0],
      ['b', 1_000],
      ['c', 9_999],
      ['c', 10_000],
      ['c', 25_000],
      ['d', 25_001],
      ['e', 40_000],
    ].filter(([line, at]) => throttle.shouldPrint(line as string, at as number));
    expect(printed).toEqual([
      ['a', 0],
      ['c', 10_000],
      ['d', 25_001],
      ['e', 40_000],
    ]);
    expect(throttle.isNews('e')).toBe(false);
    expect(throttle.isNews('f')).toBe(true);
  });

  it('a storm of events over a minute gives a handful of lines', () => {
    const throttle = new PlainProgressThrottle(10_000);
    let lines = 0;
    for (let at = 0; at < 60_000; at += 50) if (throttle.shouldPrint(`n=${at}`, at)) lines += 1;
    expect(lines).toBe(6);
  });
});

describe('the summary', () => {
  function ended(): WatchState {
    const state = stateWith({ status: 'partial', total: 3, ok: 1, failed: 2, cancelled: 0 });
    const domain = (name: string, status: string, errorClass: string | null) =>
      applyEvent(state, { event: 'domain', data: JSON.stringify({ domain: name, status, error_class: errorClass }) });
    domain('ok.test', 'succeeded', null);
    domain('refused.test', 'failed', 'connection_refused');
    domain('dns.test', 'failed', 'dns_not_found');
    applyEvent(state, { event: 'end', data: '{"status":"partial"}' });
    return state;
  }

  it('takes counts and duration from the final status document, failed domains from the stream', () => {
    const summary = buildSummary(
      ended(),
      {
        batch_id: ID,
        status: 'partial',
        total_domains: 3,
        completed_domains: 1,
        failed_domains: 2,
        cancelled_domains: 0,
        progress: 1,
        created_at: '2026-12-01T10:00:00.000Z',
        start_time: '2026-12-01T10:00:00.100Z',
        end_time: '2026-12-01T10:00:04.300Z',
        processing_time: 4.2,
      },
      9_000,
    );
    expect(summary).toEqual({
      batch_id: ID,
      status: 'partial',
      total_domains: 3,
      completed_domains: 1,
      failed_domains: 2,
      cancelled_domains: 0,
      duration_seconds: 4.2,
      failed: [
        { domain: 'refused.test', error_class: 'connection_refused' },
        { domain: 'dns.test', error_class: 'dns_not_found' },
      ],
      exit_code: 3,
    });
    expect(renderSummary(summary!)).toEqual([
      `batch ${ID} partial in 4.2 s`,
      '',
      'DOMAINS    COUNT',
      'total      3',
      'succeeded  1',
      'failed     2',
      'cancelled  0',
      '',
      'FAILED DOMAIN  ERROR CLASS',
      'refused.test   connection_refused',
      'dns.test       dns_not_found',
    ]);
  });

  it('without the status document, uses the stream counts and how long the watch ran', () => {
    const summary = buildSummary(ended(), undefined, 2_500)!;
    expect(summary.duration_seconds).toBe(2.5);
    expect(summary.total_domains).toBe(3);
    expect(summary.exit_code).toBe(3);
  });

  it('lists at most so many failed domains and says how many more', () => {
    const state = stateWith({ status: 'failed', total: 5, ok: 0, failed: 5, cancelled: 0 });
    for (let i = 0; i < 5; i++) {
      applyEvent(state, { event: 'domain', data: JSON.stringify({ domain: `d${i}.test`, status: 'failed' }) });
    }
    applyEvent(state, { event: 'end', data: '{"status":"failed"}' });
    const summary = buildSummary(state, undefined, 1_000)!;
    expect(summary.exit_code).toBe(4);
    const lines = renderSummary(summary, 2);
    expect(lines.filter((line) => /^d\d\.test/.test(line))).toEqual(['d0.test        -', 'd1.test        -']);
    expect(lines[lines.length - 1]).toBe(`… and 3 more (trawl export ${ID} lists them all)`);
  });

  it('has nothing to say before the first counts', () => {
    expect(buildSummary(newWatchState(ID), undefined, 1_000)).toBeUndefined();
  });
});
