import { OffsetWindow } from './offset-window';

describe('OffsetWindow', () => {
  it('commits nothing before any record is done', () => {
    const window = new OffsetWindow();
    window.take('10');
    window.take('11');
    expect(window.commitPoint()).toBeUndefined();
    expect(window.inFlight).toBe(2);
  });

  it('moves only over a contiguous done prefix, to the next offset to read', () => {
    const window = new OffsetWindow();
    for (const offset of ['10', '11', '12', '13']) window.take(offset);
    window.finish('11');
    window.finish('13');
    expect(window.commitPoint()).toBeUndefined();
    window.finish('10');
    expect(window.commitPoint()).toBe('12');
    window.committed('12');
    expect(window.commitPoint()).toBeUndefined();
    window.finish('12');
    expect(window.commitPoint()).toBe('14');
    expect(window.inFlight).toBe(0);
  });

  it('offers the same point again until the broker took it', () => {
    const window = new OffsetWindow();
    window.take('5');
    window.finish('5');
    expect(window.commitPoint()).toBe('6');
    expect(window.commitPoint()).toBe('6');
    window.committed('6');
    expect(window.commitPoint()).toBeUndefined();
  });

  it('tells records read again from new ones, with gaps in the offsets (compacted or skipped records)', () => {
    const window = new OffsetWindow();
    expect(window.isNew('0')).toBe(true);
    window.take('3');
    window.take('7');
    expect(window.isNew('3')).toBe(false);
    expect(window.isNew('6')).toBe(false);
    expect(window.isNew('8')).toBe(true);
    expect(() => window.take('7')).toThrow('taken already');
    window.finish('7');
    expect(window.commitPoint()).toBeUndefined();
    window.finish('3');
    expect(window.commitPoint()).toBe('8');
  });

  it('handles offsets beyond 2^53', () => {
    const window = new OffsetWindow();
    window.take('9007199254740993');
    window.finish('9007199254740993');
    expect(window.commitPoint()).toBe('9007199254740994');
  });
});
