import { cutOnCodePoint, type PageResult, type PagesTruncation } from '@trawl/contracts';

export interface FittedPages {
  pages: PageResult[];
  truncated?: PagesTruncation;
}

/** What a page keeps once an attempt's pages do not fit: enough to read, little to carry. */
const TRIMMED = { title: 200, description: 200, headings: 2, heading: 120 } as const;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** The longest a JSON number can be written (`-1.2345678901234567e-308`). */
const MAX_NUMBER_CHARS = 24;

/**
 * An upper bound on `jsonBytes(value)` that walks the value without writing it: a string of n
 * UTF-16 units is at most 6n + 2 bytes of UTF-8 JSON (`\u001f` for a control character or a lone
 * surrogate; three bytes for any other unit, four for a surrogate pair). Most attempts are far
 * below the budget by this bound, so their pages are not written twice (here and in the event).
 */
export function jsonBytesAtMost(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 6 * value.length + 2;
    case 'number':
      return MAX_NUMBER_CHARS;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (Array.isArray(value)) {
        let bytes = 2 + value.length;
        for (const item of value) bytes += jsonBytesAtMost(item);
        return bytes;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return jsonBytes(value);
      let bytes = 2;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item !== undefined) bytes += jsonBytesAtMost(key) + 2 + jsonBytesAtMost(item);
      }
      return bytes;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      // Left out of an object, `null` in an array.
      return 4;
    case 'bigint':
      // JSON.stringify throws, as the event's encoding would.
      return jsonBytes(value);
  }
}

function trimPage(page: PageResult): PageResult {
  return {
    ...page,
    title: page.title === null ? null : cutOnCodePoint(page.title, TRIMMED.title),
    description: page.description === null ? null : cutOnCodePoint(page.description, TRIMMED.description),
    h1: page.h1.slice(0, TRIMMED.headings).map((heading) => cutOnCodePoint(heading, TRIMMED.heading)),
    h2: page.h2.slice(0, TRIMMED.headings).map((heading) => cutOnCodePoint(heading, TRIMMED.heading)),
  };
}

/**
 * The pages of one attempt as they fit in `maxBytes` of JSON, so that the event carrying them
 * stays under the broker's size limit by construction. When they do not fit as they are, every
 * page is trimmed (shorter title, description and headings) and the last pages are left out;
 * `truncated` says how many, and how many of those had succeeded, so counts stay exact.
 */
export function fitPages(pages: PageResult[], maxBytes: number): FittedPages {
  if (jsonBytesAtMost(pages) <= maxBytes) return { pages };
  // JSON array: brackets plus one comma between elements.
  const total = pages.reduce((sum, page) => sum + jsonBytes(page) + 1, 1);
  if (total <= maxBytes) return { pages };
  const kept: PageResult[] = [];
  let used = 1;
  for (const page of pages) {
    const trimmed = trimPage(page);
    const size = jsonBytes(trimmed) + 1;
    if (used + size > maxBytes) break;
    kept.push(trimmed);
    used += size;
  }
  const omitted = pages.slice(kept.length);
  return {
    pages: kept,
    truncated: {
      pages_omitted: omitted.length,
      succeeded_pages_omitted: omitted.filter((page) => page.error === null).length,
      fields_trimmed: true,
    },
  };
}
