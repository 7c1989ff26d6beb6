/**
 * Pagination cursors: the last row's sort key, fixed-width binary in base64url. Clients pass them
 * back unchanged. Every string of the documented length and alphabet decodes to a position (an
 * invented one just pages from there), so the OpenAPI pattern says exactly which cursors are valid.
 */
export const CURSOR_MESSAGE = 'cursor is not valid: pass next_cursor from the previous page unchanged';

const ORDINAL_BYTES = 4;
const CREATED_BYTES = 8 + 16;

/** 4 bytes: a domain's ordinal in its batch (int32). */
export const ORDINAL_CURSOR_CHARS = 6;
/** 24 bytes: a batch's created_at in microseconds since the epoch (int64), then its id. */
export const CREATED_CURSOR_CHARS = 32;

/** Microseconds since the epoch of 0001-01-01 and of the end of 9999: no batch is outside, and Postgres takes both. */
const MIN_CREATED_US = -62_135_596_800_000_000n;
const MAX_CREATED_US = 253_402_300_799_999_999n;

const decode = (cursor: string, chars: number, bytes: number): Buffer | undefined => {
  if (!new RegExp(`^[A-Za-z0-9_-]{${chars}}$`).test(cursor)) return undefined;
  const buffer = Buffer.from(cursor, 'base64url');
  return buffer.length === bytes ? buffer : undefined;
};

export function encodeOrdinalCursor(ordinal: number): string {
  const buffer = Buffer.alloc(ORDINAL_BYTES);
  buffer.writeInt32BE(ordinal);
  return buffer.toString('base64url');
}

export function decodeOrdinalCursor(cursor: string): number | undefined {
  return decode(cursor, ORDINAL_CURSOR_CHARS, ORDINAL_BYTES)?.readInt32BE(0);
}

export interface CreatedPosition {
  /** created_at in microseconds since the epoch, as decimal text (bigint) */
  createdUs: string;
  id: string;
}

export function encodeCreatedCursor({ createdUs, id }: CreatedPosition): string {
  const buffer = Buffer.alloc(CREATED_BYTES);
  buffer.writeBigInt64BE(BigInt(createdUs));
  Buffer.from(id.replaceAll('-', ''), 'hex').copy(buffer, 8);
  return buffer.toString('base64url');
}

export function decodeCreatedCursor(cursor: string): CreatedPosition | undefined {
  const buffer = decode(cursor, CREATED_CURSOR_CHARS, CREATED_BYTES);
  if (!buffer) return undefined;
  const raw = buffer.readBigInt64BE(0);
  const createdUs = raw < MIN_CREATED_US ? MIN_CREATED_US : raw > MAX_CREATED_US ? MAX_CREATED_US : raw;
  const hex = buffer.subarray(8).toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { createdUs: createdUs.toString(), id };
}
