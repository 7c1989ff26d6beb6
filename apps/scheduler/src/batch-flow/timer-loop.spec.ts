import { timerLoopReadiness } from './timer-loop.service';

describe("the timer loop's readiness", () => {
  const now = 1_000_000;

  it('is ready while ticks go through', () => {
    expect(timerLoopReadiness({ lastSuccessAt: now - 800, failingSince: null }, now, 1_000)).toEqual({
      ready: true,
      detail: 'last tick 800 ms ago',
    });
  });

  it('is not ready while ticks fail', () => {
    expect(timerLoopReadiness({ lastSuccessAt: now - 3_000, failingSince: now - 2_000 }, now, 1_000)).toEqual({
      ready: false,
      detail: 'ticks failing for 2 s',
    });
  });

  it('is not ready when no tick completed for five intervals (at least 10 s): one is stuck', () => {
    expect(timerLoopReadiness({ lastSuccessAt: now - 9_000, failingSince: null }, now, 1_000).ready).toBe(true);
    expect(timerLoopReadiness({ lastSuccessAt: now - 11_000, failingSince: null }, now, 1_000)).toEqual({
      ready: false,
      detail: 'no tick completed for 11 s',
    });
    expect(timerLoopReadiness({ lastSuccessAt: now - 40_000, failingSince: null }, now, 10_000).ready).toBe(true);
  });
});
