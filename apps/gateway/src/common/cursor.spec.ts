import fc from 'fast-check';
import {
  CREATED_CURSOR_CHARS,
  decodeCreatedCursor,
  decodeOrdinalCursor,
  encodeCreatedCursor,
  encodeOrdinalCursor,
  ORDINAL_CURSOR_CHARS,
} from './cursor';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const cursorOf = (length: number) =>
  fc.array(fc.constantFrom(...BASE64URL), { minLength: length, maxLength: length }).map((chars) => chars.join(''));

describe('cursors', () => {
  it('round-trip an ordinal', () => {
    for (const ordinal of [0, 41, 2 ** 31 - 1, -1]) {
      const cursor = encodeOrdinalCursor(ordinal);
      expect(cursor).toMatch(new RegExp(`^[A-Za-z0-9_-]{${ORDINAL_CURSOR_CHARS}}$`));
      expect(decodeOrdinalCursor(cursor)).toBe(ordinal);
    }
  });

  it('round-trip a creation time and id', () => {
    const position = { createdUs: '1764617444123456', id: '282348a7-ac5b-41c2-a279-9eea14a17bcc' };
    const cursor = encodeCreatedCursor(position);
    expect(cursor).toMatch(new RegExp(`^[A-Za-z0-9_-]{${CREATED_CURSOR_CHARS}}$`));
    expect(decodeCreatedCursor(cursor)).toEqual(position);
  });

  it('decode every string of the documented length and alphabet', () => {
    fc.assert(fc.property(cursorOf(ORDINAL_CURSOR_CHARS), (cursor) => decodeOrdinalCursor(cursor) !== undefined));
    fc.assert(
      fc.property(cursorOf(CREATED_CURSOR_CHARS), (cursor) => {
        const position = decodeCreatedCursor(cursor);
        return (
          position !== undefined &&
          BigInt(position.createdUs) >= -62_135_596_800_000_000n &&
          BigInt(position.createdUs) <= 253_402_300_799_999_999n
        );
      }),
    );
  });

  it('refuse anything else', () => {
    for (const cursor of ['', 'AAAAA', 'AAAAAAA', 'AAAA=A', 'AAA AA', 'AAAA+A', 'AAAA/A']) {
      expect(decodeOrdinalCursor(cursor)).toBeUndefined();
    }
    expect(decodeCreatedCursor('A'.repeat(31))).toBeUndefined();
    expect(decodeCreatedCursor('A'.repeat(33))).toBeUndefined();
  });
});
