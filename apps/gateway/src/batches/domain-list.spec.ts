import { normaliseDomain, normaliseDomainList, shownValue } from './domain-list';

const ok = (domain: string) => ({ ok: true, domain });
const refused = (reason: string) => ({ ok: false, reason });

describe('normaliseDomain', () => {
  it.each([
    ['example.com', 'example.com'],
    ['  Example.COM  ', 'example.com'],
    ['https://example.com', 'example.com'],
    ['HTTP://Example.com/', 'example.com'],
    ['ftp://example.com', 'example.com'],
    ['git+ssh://example.com', 'example.com'],
    ['//example.com/x', 'example.com'],
    ['https://user:pa@ss@example.com:8443/a/b?q=1#top', 'example.com'],
    ['example.com:8080', 'example.com'],
    ['example.com/path', 'example.com'],
    ['example.com?query=1', 'example.com'],
    ['example.com#fragment', 'example.com'],
    ['example.com\\windows\\path', 'example.com'],
    ['example.com.', 'example.com'],
    ['https://www.example.co.uk./', 'www.example.co.uk'],
    ['a-b.example', 'a-b.example'],
    ['123.example.com', '123.example.com'],
    ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseDomain(input)).toEqual(ok(expected));
  });

  it('converts internationalised names to punycode', () => {
    expect(normaliseDomain('bücher.de')).toEqual(ok('xn--bcher-kva.de'));
    expect(normaliseDomain('https://BÜCHER.de/katalog')).toEqual(ok('xn--bcher-kva.de'));
    expect(normaliseDomain('例え.jp')).toEqual(ok('xn--r8jz45g.jp'));
    expect(normaliseDomain('ＥＸＡＭＰＬＥ.com')).toEqual(ok('example.com'));
    expect(normaliseDomain('例え。jp。')).toEqual(ok('xn--r8jz45g.jp'));
  });

  it.each([[42], [null], [undefined], [true], [{ domain: 'example.com' }], [['example.com']]])(
    'refuses %j: not a string',
    (input) => {
      expect(normaliseDomain(input)).toEqual(refused('not a string'));
    },
  );

  it.each([[''], ['   '], ['http://'], ['https:///path'], ['user@'], [':80'], ['.']])(
    'refuses %j: empty is not a hostname',
    (input) => {
      expect(normaliseDomain(input)).toEqual(refused('not a hostname'));
    },
  );

  it.each([
    ['127.0.0.1'],
    ['http://10.0.0.1:8080/x'],
    ['127.1'],
    ['2130706433'],
    ['0x7f000001'],
    ['0x7f.1'],
    ['0177.0.0.1'],
    ['999.1.1.1'],
    ['１２７.０.０.１'],
    ['::1'],
    ['[::1]'],
    ['http://[::1]:8080/'],
    ['2001:db8::1'],
    ['[2001:db8::1]'],
    ['::ffff:127.0.0.1'],
  ])('refuses %j: IP literal', (input) => {
    expect(normaliseDomain(input)).toEqual(refused('IP literal'));
  });

  it('refuses hosts longer than 253 characters', () => {
    const long = `${Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.')}.com`;
    expect(long.length).toBeGreaterThan(253);
    expect(normaliseDomain(long)).toEqual(refused('too long'));
    const fits = `${Array.from({ length: 3 }, () => 'a'.repeat(63)).join('.')}.${'b'.repeat(57)}.com`;
    expect(fits.length).toBe(253);
    expect(normaliseDomain(fits)).toEqual(ok(fits));
  });

  it.each([
    ['a..b.com', 'label rules: label 2 is empty'],
    ['.example.com', 'label rules: label 1 is empty'],
    ['example.com..', 'label rules: label 3 is empty'],
    [`${'a'.repeat(64)}.com`, `label rules: label 1 "${'a'.repeat(64)}" is longer than 63 characters`],
    ['under_score.com', `label rules: label 1 "under_score" may only contain a-z, 0-9 and '-'`],
    ['ex ample.com', `label rules: label 1 "ex ample" may only contain a-z, 0-9 and '-'`],
    ['example.c*m', `label rules: label 2 "c*m" may only contain a-z, 0-9 and '-'`],
    ['-example.com', `label rules: label 1 "-example" must not start or end with '-'`],
    ['www.example-.com', `label rules: label 2 "example-" must not start or end with '-'`],
  ])('refuses %j: %s', (input, reason) => {
    expect(normaliseDomain(input)).toEqual(refused(reason));
  });

  it('accepts a 63-character label', () => {
    expect(normaliseDomain(`${'a'.repeat(63)}.com`)).toEqual(ok(`${'a'.repeat(63)}.com`));
  });

  it.each([['localhost'], ['com'], ['example.123'], ['1.2.3.4.5'], ['[not-v6]'], ['a:b:c']])(
    'refuses %j: not a hostname',
    (input) => {
      expect(normaliseDomain(input)).toEqual(refused('not a hostname'));
    },
  );

  it('refuses IDNs that do not convert', () => {
    expect(normaliseDomain('bü cher.de')).toEqual(refused('not a hostname'));
  });
});

describe('normaliseDomainList', () => {
  it('de-duplicates after normalisation, keeping first occurrences in order', () => {
    const result = normaliseDomainList(
      ['b.com', 'https://A.com/', 'b.com.', 'c.com', 'a.com:443', 'bücher.de', 'xn--bcher-kva.de'],
      10,
    );
    expect(result).toEqual({ kind: 'ok', domains: ['b.com', 'a.com', 'c.com', 'xn--bcher-kva.de'] });
  });

  it('reports every bad entry together, with index, original value and reason', () => {
    const result = normaliseDomainList(['ok.com', 7, 'http://', '127.0.0.1', 'fine.org', 'bad_label.com'], 10);
    expect(result).toEqual({
      kind: 'invalid',
      problems: [
        { index: 1, value: 7, reason: 'not a string' },
        { index: 2, value: 'http://', reason: 'not a hostname' },
        { index: 3, value: '127.0.0.1', reason: 'IP literal' },
        {
          index: 5,
          value: 'bad_label.com',
          reason: `label rules: label 1 "bad_label" may only contain a-z, 0-9 and '-'`,
        },
      ],
      total: 4,
    });
  });

  it('lists the first 100 bad entries and counts them all', () => {
    const result = normaliseDomainList(
      Array.from({ length: 100_000 }, () => 1),
      10,
    );
    expect(result).toMatchObject({ kind: 'invalid', total: 100_000 });
    expect(result.kind === 'invalid' && result.problems).toHaveLength(100);
  });

  it('refuses an empty list', () => {
    expect(normaliseDomainList([], 10)).toEqual({ kind: 'empty' });
  });

  it('limits unique domains, not entries', () => {
    expect(normaliseDomainList(['a.com', 'A.com', 'a.com.', 'b.com'], 2)).toEqual({
      kind: 'ok',
      domains: ['a.com', 'b.com'],
    });
    expect(normaliseDomainList(['a.com', 'b.com', 'c.com'], 2)).toEqual({ kind: 'too-many', limit: 2, unique: 3 });
  });
});

describe('shownValue', () => {
  it('cuts long strings and serialised structures to 100 characters', () => {
    expect(shownValue('x'.repeat(150))).toBe('x'.repeat(100));
    expect(shownValue({ a: 'y'.repeat(200) })).toHaveLength(100);
    expect(shownValue([1, 2])).toBe('[1,2]');
    expect(shownValue(3)).toBe(3);
    expect(shownValue(null)).toBeNull();
  });
});
