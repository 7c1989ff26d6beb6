import fc from 'fast-check';
import type { PageResult } from '@trawl/contracts';
import { fitPages, jsonBytesAtMost } from './result-size';

const EMOJI = '\u{1F600}';
const page = (n: number, error: string | null = null): PageResult => ({
  url: `http://a.test/${n}`,
  final_url: `http://a.test/${n}`,
  status_code: 200,
  content_type: 'text/html',
  title: EMOJI.repeat(250),
  description: 'd'.repeat(1000),
  language: 'en',
  canonical_url: null,
  h1: Array.from({ length: 10 }, () => 'h'.repeat(300)),
  h2: Array.from({ length: 10 }, () => 'h'.repeat(300)),
  links_found: 3,
  bytes: 1000,
  depth: 1,
  fetched_at: '2026-12-01T00:00:00.000Z',
  duration_ms: 3,
  error,
});

describe('fitting an attempt into an event', () => {
  it('keeps pages that fit as they are, with no truncation mark', () => {
    const pages = [page(1), page(2)];
    expect(fitPages(pages, 1024 * 1024)).toEqual({ pages });
  });

  it('trims fields and leaves out the last pages when they do not fit, saying how many and how many succeeded', () => {
    const pages = Array.from({ length: 1000 }, (_, n) => page(n, n % 4 === 0 ? 'timeout' : null));
    const fitted = fitPages(pages, 256 * 1024);
    expect(Buffer.byteLength(JSON.stringify(fitted.pages))).toBeLessThanOrEqual(256 * 1024);
    expect(fitted.pages.length).toBeGreaterThan(100);
    const omitted = pages.slice(fitted.pages.length);
    expect(fitted.truncated).toEqual({
      pages_omitted: omitted.length,
      succeeded_pages_omitted: omitted.filter((p) => p.error === null).length,
      fields_trimmed: true,
    });
    expect(fitted.pages[0]!.h1).toHaveLength(2);
  });

  it('cuts trimmed titles on code points, never through an emoji', () => {
    const fitted = fitPages(
      Array.from({ length: 200 }, (_, n) => page(n)),
      64 * 1024,
    );
    for (const kept of fitted.pages) expect(kept.title!.isWellFormed()).toBe(true);
  });
});

describe('the bound on an attempt’s JSON size', () => {
  const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
  const anyText = fc.string({ unit: fc.oneof(utf16Unit, fc.constantFrom('"', '\\', '\u0000', '\u{1F600}')) });
  const anyJson = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      anyText,
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value')),
      fc.dictionary(anyText, tie('value')),
    ),
  })).value;

  it('is never below the bytes JSON.stringify writes, lone surrogates and escapes included', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        expect(jsonBytesAtMost(value)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('holds for pages, where it spares writing them when they plainly fit', () => {
    const pages = [page(1), page(2, 'timeout')];
    expect(jsonBytesAtMost(pages)).toBeGreaterThanOrEqual(Buffer.byteLength(JSON.stringify(pages)));
    expect(fitPages(pages, jsonBytesAtMost(pages))).toEqual({ pages });
  });
});
