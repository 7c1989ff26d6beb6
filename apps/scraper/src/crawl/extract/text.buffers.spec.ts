import { cleanText, CollapsedText, VisibleText } from './text.buffers';

describe('cleanText', () => {
  it('collapses white space, trims, and is null when nothing is left', () => {
    expect(cleanText('  a \n\t b  ', 10)).toBe('a b');
    expect(cleanText(' \u0000 ', 10)).toBeNull();
  });

  it('cuts on a code point and trims the cut', () => {
    expect(cleanText('ab \u{1F600}', 4)).toBe('ab');
    expect(cleanText('abc defg', 4)).toBe('abc');
  });
});

describe('CollapsedText', () => {
  it('joins pieces with single spaces and separates at tag boundaries', () => {
    const text = new CollapsedText(100);
    for (const piece of ['  Hello ', ' ', '\n world']) text.append(piece);
    text.separate();
    text.append('again');
    expect(text.value()).toBe('Hello world again');
  });

  it('keeps no more than its cap, whatever arrives', () => {
    const text = new CollapsedText(5);
    text.append(`${' '.repeat(100_000)}abc`);
    text.append('defghij'.repeat(100_000));
    expect(text.value()).toBe('abcde');
  });

  it('drops NUL and lone surrogates', () => {
    const text = new CollapsedText(10);
    text.append('a\u0000b\ud800c');
    expect(text.value()).toBe('abc');
  });
});

describe('VisibleText', () => {
  it('puts blocks on their own lines, once', () => {
    const text = new VisibleText(100);
    text.breakLine();
    text.append('a');
    text.breakLine();
    text.breakLine();
    text.append('b');
    expect(text.value()).toBe('a\nb');
  });

  it('stops at its cap without splitting a surrogate pair', () => {
    const text = new VisibleText(5);
    text.append('abcd');
    text.append('\u{1F600}\u{1F600}');
    text.append('more');
    expect(text.value()).toBe('abcd');
    expect(text.value().isWellFormed()).toBe(true);
  });
});
