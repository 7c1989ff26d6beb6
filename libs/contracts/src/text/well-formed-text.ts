/**
 * Text that every store accepts: no lone UTF-16 surrogates (JSON.stringify writes them as "\ud83d",
 * which Postgres jsonb refuses), no NUL (refused by text columns and jsonb), and cuts that never
 * split a surrogate pair. Apply it wherever outside text enters an event or a row.
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
