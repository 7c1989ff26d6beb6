/**
 * Text that every store accepts: no lone UTF-16 surrogates (JSON.stringify writes them as "\ud83d",
 * which Postgres jsonb refuses), no NUL (refused by text columns and jsonb), and cuts that never
 * split a surrogate pair. Apply it wherever outside text enters an event or a row.
 *
 * Importable alone as `@trawl/contracts/text`, without zod and the schemas: the scraper's parse
 * threads need only this, and loading the whole of @trawl/contracts cost each of them ~8 MB.
 */

// Code-unit patterns (no `u` flag) so that unpaired halves are visible; each position is looked at
// once, with a one-unit look-ahead or look-behind: linear time. NUL is matched on purpose.
// eslint-disable-next-line no-control-regex
const LONE_SURROGATE_OR_NUL = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\u0000/g;

/** `text` without lone surrogates and NUL characters. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE_OR_NUL, '');
}

/** At most `maxLength` UTF-16 code units of `text`, cut before a surrogate pair rather than through it. */
export function cutOnCodePoint(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const last = text.charCodeAt(maxLength - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? maxLength - 1 : maxLength;
  return text.slice(0, Math.max(0, end));
}

/** wellFormed, then cut to `maxLength` code units on a code-point boundary. */
export function wellFormedText(text: string, maxLength: number): string {
  return cutOnCodePoint(wellFormed(text), maxLength);
}

/** Deeper than this, wellFormedDeep leaves a structure as it is (no stack to spend on it). */
const MAX_CLEANED_DEPTH = 64;

/**
 * `value` with every string in it, keys included, made well-formed: for the edges where text from
 * outside reaches a store. Returns the same reference when nothing needed cleaning.
 */
export function wellFormedDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (typeof value !== 'object' || value === null || depth >= MAX_CLEANED_DEPTH) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const items = (value as unknown[]).map((item) => {
      const clean = wellFormedDeep(item, depth + 1);
      changed ||= clean !== item;
      return clean;
    });
    return (changed ? items : value) as T;
  }
  let changed = false;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const cleanKey = wellFormed(key);
    const clean = wellFormedDeep(item, depth + 1);
    changed ||= cleanKey !== key || clean !== item;
    return [cleanKey, clean] as const;
  });
  return (changed ? Object.fromEntries(entries) : value) as T;
}
