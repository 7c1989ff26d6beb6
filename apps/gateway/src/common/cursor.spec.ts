import { decodeCursor, encodeCursor } from './cursor';

const isOrdinal = (value: unknown): value is { o: number } =>
  typeof value === 'object' && value !== null && Number.isInteger((value as { o?: unknown }).o);

describe('cursors', () => {
  it('round-trip', () => {
    const cursor = encodeCursor({ o: 41 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, isOrdinal)).toEqual({ o: 41 });
  });

  it('refuse what is not one of ours', () => {
    expect(decodeCursor('not a cursor!', isOrdinal)).toBeUndefined();
    expect(decodeCursor(Buffer.from('{oops').toString('base64url'), isOrdinal)).toBeUndefined();
    expect(decodeCursor(encodeCursor({ x: 1 }), isOrdinal)).toBeUndefined();
    expect(decodeCursor(encodeCursor({ o: 'one' }), isOrdinal)).toBeUndefined();
    expect(decodeCursor('', isOrdinal)).toBeUndefined();
    expect(decodeCursor('a'.repeat(501), isOrdinal)).toBeUndefined();
  });
});
