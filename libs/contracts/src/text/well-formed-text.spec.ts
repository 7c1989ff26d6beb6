import { cutOnCodePoint, wellFormed, wellFormedDeep, wellFormedText } from './well-formed-text';

const EMOJI = '\u{1F600}'; // two code units

describe('wellFormed', () => {
  it('removes lone high and low surrogates and NUL, and keeps pairs', () => {
    expect(wellFormed(`a\ud800b\udc00c\u0000d${EMOJI}`)).toBe(`abcd${EMOJI}`);
  });

  it('makes JSON that Postgres jsonb accepts', () => {
    expect(JSON.stringify(wellFormed(`x\ud83d`))).toBe('"x"');
  });

  it('takes linear time on a megabyte of surrogate halves', () => {
    const hostile = '\ud800'.repeat(500_000) + '\udc00'.repeat(500_000);
    const started = performance.now();
    expect(wellFormed(hostile)).toBe(`\ud800\udc00`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('cutOnCodePoint', () => {
  it('never cuts through a surrogate pair', () => {
    expect(cutOnCodePoint(`ab${EMOJI}`, 3)).toBe('ab');
    expect(cutOnCodePoint(`ab${EMOJI}`, 4)).toBe(`ab${EMOJI}`);
    expect(cutOnCodePoint('abcdef', 3)).toBe('abc');
  });

  it('gives a well-formed string for every cut of a text full of emoji', () => {
    const text = `${EMOJI}a${EMOJI}${EMOJI}b`;
    for (let max = 0; max <= text.length; max += 1) {
      expect(cutOnCodePoint(text, max).isWellFormed()).toBe(true);
    }
  });
});

describe('wellFormedText', () => {
  it('cleans, then cuts', () => {
    expect(wellFormedText(`\u0000\u0000ab${EMOJI}`, 3)).toBe('ab');
  });
});

describe('wellFormedDeep', () => {
  it('cleans every string and key of a structure', () => {
    const dirty = { a: ['x\u0000', { 'k\ud800': 'v\udc00' }], n: 1, z: null };
    expect(wellFormedDeep(dirty)).toEqual({ a: ['x', { k: 'v' }], n: 1, z: null });
  });

  it('gives back the same object when nothing needed cleaning', () => {
    const clean = { a: ['x', { k: `v${EMOJI}` }], n: 1 };
    expect(wellFormedDeep(clean)).toBe(clean);
  });
});
