import fc from 'fast-check';
import { normaliseDomain } from '../batches/domain-list';
import { parseTimestamp } from '../common/timestamp';
import { parseWindow } from '../stats/window';
import { DOMAIN_INPUT_PATTERN, IDEMPOTENCY_KEY_PATTERN, UUID_PATTERN, WINDOW_PATTERN } from './api-contract';

/** Strings made of pieces that matter to domain parsing, so that both outcomes are frequent. */
const domainish = fc
  .array(
    fc.constantFrom(
      ...['a', 'Z', '0', '9', '-', '.', ':', '/', '@', '?', '#', '\\', ' ', '\t', '\u00a0', '\n', 'x', '0x'],
      ...['http://', 'A+b://', '//', 'com', 'example', '.1', '80', 'é', '\u0000', '1.2.3.4', '0x7f.1'],
    ),
    { maxLength: 14 },
  )
  .map((parts) => parts.join(''));

describe('the document states the validation', () => {
  const domainPattern = new RegExp(DOMAIN_INPUT_PATTERN);

  it.each([
    ['example.com', true],
    ['https://user:pw@www.Example.org:8443/about?x#y', true],
    ['  http:////example.com.  ', true],
    ['a.b://c', false],
    ['http://a.b://c', true],
    ['xn--bcher-kva.de', true],
    ['example', false],
    ['example.123', false],
    ['example.1-2', true],
    ['1.0x1', false],
    ['a.0x1', true],
    ['0x1.0x2.0x3.0x4.0x5', true],
    ['10.0.0.1', false],
    ['[::1]', false],
    ['-a.com', false],
    ['a..com', false],
    ['example.com..', false],
    [`${'a'.repeat(63)}.com`, true],
    [`${'a'.repeat(64)}.com`, false],
    [`${'a.'.repeat(125)}abc`, true],
    [`${'a.'.repeat(125)}abc.`, true],
    [`${'a.'.repeat(126)}ab`, false],
    ['', false],
  ])('domain %j: %s', (input, valid) => {
    expect(normaliseDomain(input).ok).toBe(valid);
    expect(domainPattern.test(input)).toBe(valid);
  });

  it('DOMAIN_INPUT_PATTERN matches exactly the ASCII entries normaliseDomain accepts', () => {
    fc.assert(
      fc.property(domainish, (input) => {
        // Internationalised names are accepted but outside the pattern (see DOMAIN_INPUT_PATTERN).
        fc.pre(!/[^\p{ASCII}]/u.test(input.trim()) || !normaliseDomain(input).ok);
        return normaliseDomain(input).ok === domainPattern.test(input);
      }),
      { numRuns: 20_000 },
    );
  });

  it('WINDOW_PATTERN matches exactly the windows parseWindow accepts', () => {
    const windowPattern = new RegExp(WINDOW_PATTERN);
    const windows = fc.tuple(
      fc.constantFrom('', ' ', '0', '00', '\t'),
      fc.oneof(fc.integer({ min: 0, max: 2_000_000 }).map(String), fc.constantFrom('', '1.5', '-1')),
      fc.constantFrom('m', 'h', 'd', 'w', 'H', ''),
      fc.constantFrom('', ' ', '\n'),
    );
    fc.assert(
      fc.property(windows, (parts) => {
        const input = parts.join('');
        return (parseWindow(input) !== undefined) === windowPattern.test(input);
      }),
      { numRuns: 20_000 },
    );
    for (const edge of ['129600m', '129601m', '2160h', '2161h', '90d', '91d', '000090d', '0000090d']) {
      expect(windowPattern.test(edge)).toBe(parseWindow(edge) !== undefined);
    }
  });

  it('UUID_PATTERN: any version, either case', () => {
    const uuid = new RegExp(UUID_PATTERN);
    expect(uuid.test('282348a7-ac5b-41c2-a279-9eea14a17bcc')).toBe(true);
    expect(uuid.test('282348A7-AC5B-01C2-0279-9EEA14A17BCC')).toBe(true);
    expect(uuid.test('282348a7ac5b41c2a2799eea14a17bcc')).toBe(false);
    expect(uuid.test('{282348a7-ac5b-41c2-a279-9eea14a17bcc}')).toBe(false);
  });

  it('IDEMPOTENCY_KEY_PATTERN: printable ASCII, spaces and tabs only between', () => {
    const key = new RegExp(IDEMPOTENCY_KEY_PATTERN);
    expect(['0', 'a b', 'order 42\t#7', '~'].every((value) => key.test(value))).toBe(true);
    expect(['', ' a', 'a ', 'é', 'a\nb'].some((value) => key.test(value))).toBe(false);
  });
});

describe('parseTimestamp: RFC 3339 date-time or full-date', () => {
  it.each([
    ['2026-12-01T19:43:58.859Z', '2026-12-01T19:43:58.859Z'],
    ['2026-12-01t19:43:58z', '2026-12-01T19:43:58.000Z'],
    ['2026-12-01T19:43:58.123456789+02:00', '2026-12-01T17:43:58.123Z'],
    ['0075-05-03T17:21:00.986707Z', '0075-05-03T17:21:00.986Z'],
    ['2016-12-31T23:59:60Z', '2017-01-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['0000-01-01T00:00:00-23:59', '0000-01-01T23:59:00.000Z'],
  ])('%s is %s', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2025-13-45',
    '2023-02-29',
    '2026-12-01T24:00:00Z',
    '2026-12-01T10:00Z',
    '2026-12-01T10:00:00',
    '2026-12-01 10:00:00Z',
    '20261201',
    '2026-12-01T10:00:00+24:00',
    '',
  ])('refuses %j', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });
});
