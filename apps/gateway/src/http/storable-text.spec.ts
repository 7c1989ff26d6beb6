import { findUnstorableText } from './storable-text';

describe('text the stores cannot hold', () => {
  it('is found in values and keys at any depth, with a path that says where', () => {
    expect(findUnstorableText({ a: { b: ['ok', 'x\u0000'] } }, 'metadata')).toEqual({
      path: 'metadata.a.b[1]',
      reason: expect.stringMatching(/NUL character/),
    });
    expect(findUnstorableText({ 'two words': '\udc00' }, 'metadata')).toEqual({
      path: 'metadata["two words"]',
      reason: expect.stringMatching(/lone UTF-16 surrogate/),
    });
    expect(findUnstorableText({ ['\ud800']: 1 }, 'm')?.reason).toMatch(/lone UTF-16 surrogate/);
  });

  it('passes well-formed text, emoji and every other JSON value', () => {
    expect(findUnstorableText({ s: '\u{1F600} ok', n: 1, b: true, z: null, l: [{}, []] }, 'm')).toBeUndefined();
  });

  it('refuses nesting deeper than it walks', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i += 1) deep = [deep];
    expect(findUnstorableText(deep, 'm')?.reason).toMatch(/nested deeper than 32 levels/);
  });
});
