import { ConcurrencyTracker } from './concurrency.tracker';

describe('ConcurrencyTracker', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const idle = 300;

  it('a sequential crawl with pauses shorter than the idle time is one site in flight', () => {
    const tracker = new ConcurrencyTracker(idle);
    for (let i = 0; i < 5; i += 1) {
      tracker.begin('a', 't');
      jest.advanceTimersByTime(50);
      tracker.end('a');
      jest.advanceTimersByTime(idle - 1); // politeness pause, still in flight
    }
    expect(tracker.inFlight('t')).toBe(1);
    expect(tracker.maxConcurrent('t')).toBe(1);
    jest.advanceTimersByTime(1);
    expect(tracker.inFlight('t')).toBe(0);
  });

  it('counts distinct sites, not requests', () => {
    const tracker = new ConcurrencyTracker(idle);
    tracker.begin('a', 't');
    tracker.begin('a', 't');
    tracker.begin('b', 't');
    expect(tracker.maxConcurrent('t')).toBe(2);
    tracker.end('a');
    tracker.end('a');
    tracker.end('b');
    expect(tracker.maxConcurrent('t')).toBe(2);
  });

  it('a site counts until idleMs after its last response, overlapping the next site', () => {
    const tracker = new ConcurrencyTracker(idle);
    tracker.begin('a', 't');
    tracker.end('a');
    jest.advanceTimersByTime(idle - 10);
    tracker.begin('b', 't'); // a is still "in flight"
    expect(tracker.maxConcurrent('t')).toBe(2);
  });

  it('sites that never overlap (gap > idle) count one at a time', () => {
    const tracker = new ConcurrencyTracker(idle);
    for (const site of ['a', 'b', 'c']) {
      tracker.begin(site, 't');
      jest.advanceTimersByTime(100);
      tracker.end(site);
      jest.advanceTimersByTime(idle);
    }
    expect(tracker.maxConcurrent('t')).toBe(1);
  });

  it('keeps tags apart and exposes maxima', () => {
    const tracker = new ConcurrencyTracker(idle);
    tracker.begin('a', 'x');
    tracker.begin('b', 'x');
    tracker.begin('c', 'y');
    expect(tracker.maxima()).toEqual({ x: 2, y: 1 });
    expect(tracker.maxConcurrent('z')).toBe(0);
  });

  it('a new request during the idle window keeps the same site in flight (no double count)', () => {
    const tracker = new ConcurrencyTracker(idle);
    tracker.begin('a', 't');
    tracker.end('a');
    jest.advanceTimersByTime(idle / 2);
    tracker.begin('a', 't');
    jest.advanceTimersByTime(idle * 2);
    expect(tracker.inFlight('t')).toBe(1); // request still open
    tracker.end('a');
    jest.advanceTimersByTime(idle);
    expect(tracker.inFlight('t')).toBe(0);
    expect(tracker.maxConcurrent('t')).toBe(1);
  });

  it('resetMaxima keeps in-flight sites as the new baseline; stray end() is ignored', () => {
    const tracker = new ConcurrencyTracker(idle);
    tracker.begin('a', 't');
    tracker.begin('b', 't');
    tracker.end('b');
    jest.advanceTimersByTime(idle);
    tracker.resetMaxima();
    expect(tracker.maxConcurrent('t')).toBe(1);
    tracker.end('nobody');
    tracker.end('b');
    expect(tracker.inFlight('t')).toBe(1);
    tracker.dispose();
    expect(tracker.inFlight('t')).toBe(0);
  });
});
