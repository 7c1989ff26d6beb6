/**
 * Opaque pagination cursors: base64url JSON of the last row's sort key. Clients pass them back
 * unchanged; anything that does not decode to the expected shape is refused.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, accept: (value: unknown) => value is T): T | undefined {
  if (!/^[A-Za-z0-9_-]{1,500}$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return accept(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
