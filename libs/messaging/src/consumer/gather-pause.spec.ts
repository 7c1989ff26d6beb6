import { pauseAfterFetchMs } from './gather-pause';

function batch(lastOffset: string, highWatermark: string, empty = false) {
  return { isEmpty: () => empty, lastOffset: () => lastOffset, highWatermark };
}

describe('pauseAfterFetchMs', () => {
  it('pauses after a fetch that caught up with the partition', () => {
    expect(pauseAfterFetchMs(batch('41', '42'), 50, false)).toBe(50);
  });

  it('fetches again at once when a backlog is left behind the fetch', () => {
    expect(pauseAfterFetchMs(batch('41', '900'), 50, false)).toBe(0);
  });

  it('does not pause after an empty fetch, without a wait, or when stopping', () => {
    expect(pauseAfterFetchMs(batch('-1', '42', true), 50, false)).toBe(0);
    expect(pauseAfterFetchMs(batch('41', '42'), 0, false)).toBe(0);
    expect(pauseAfterFetchMs(batch('41', '42'), 50, true)).toBe(0);
  });

  it('compares offsets beyond 2^53 exactly', () => {
    expect(pauseAfterFetchMs(batch('9007199254740993', '9007199254740994'), 50, false)).toBe(50);
    expect(pauseAfterFetchMs(batch('9007199254740993', '9007199254740995'), 50, false)).toBe(0);
  });
});
