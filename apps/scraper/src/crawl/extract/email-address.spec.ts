import {
  emailsFromMailto,
  emailsFromText,
  localPartBefore,
  MAX_EMAILS_PER_TEXT,
  normalizeEmail,
} from './email-address';
import { PATHOLOGICAL_BUDGET_MS, timed } from './testing/timed';

describe('normalizeEmail', () => {
  it('lower-cases a valid address', () => {
    expect(normalizeEmail(' Jane.Doe@Example.co.UK ')).toBe('jane.doe@example.co.uk');
  });

  it.each([
    ['a file name with an @2x suffix', 'logo@2x.png'],
    ['a double dot in the local part', 'a..b@x.com'],
    ['a local part ending in a dot', 'a.@x.com'],
    ['a placeholder domain', 'user@example.com'],
    ['no @ at all', 'no-at-sign.com'],
    ['a label starting with a hyphen', 'a@-bad-.com'],
  ])('rejects %s', (_case, candidate) => {
    expect(normalizeEmail(candidate)).toBeUndefined();
  });
});

describe('emailsFromMailto', () => {
  it('reads several addresses and ignores the query', () => {
    expect(emailsFromMailto('mailto:Sales@Acme.io,info%40acme.io?subject=Hi')).toEqual([
      'sales@acme.io',
      'info@acme.io',
    ]);
  });

  it('reads nothing from an empty mailto:', () => {
    expect(emailsFromMailto('mailto:')).toEqual([]);
  });
});

describe('localPartBefore', () => {
  it('reads the address characters before the @, from the first letter or digit', () => {
    const text = 'mail: ._jane.doe+x@acme.io';
    expect(localPartBefore(text, text.indexOf('@'))).toBe('jane.doe+x');
  });

  it('refuses a run longer than a local part may be', () => {
    const text = `${'a'.repeat(65)}@acme.io`;
    expect(localPartBefore(text, text.indexOf('@'))).toBeUndefined();
    expect(localPartBefore(text.slice(1), 64)).toBe('a'.repeat(64));
  });
});

describe('emailsFromText', () => {
  it('finds addresses and skips file names', () => {
    expect(emailsFromText('Write to hello@acme.io or to support@help.acme.io. Icons: icon@2x.png')).toEqual([
      'hello@acme.io',
      'support@help.acme.io',
    ]);
  });

  it('does not report the tail of a word too long to be a local part', () => {
    expect(emailsFromText(`${'x'.repeat(100)}@acme.io`)).toEqual([]);
  });

  it('needs a TLD that ends the domain', () => {
    expect(emailsFromText('a@acme.io-x b@acme c@acme.i d@acme.io_')).toEqual(['d@acme.io']);
  });

  it(`reports at most ${MAX_EMAILS_PER_TEXT} addresses`, () => {
    const text = Array.from({ length: 150 }, (_, i) => `u${i}@acme.io`).join(' ');
    expect(emailsFromText(text)).toHaveLength(MAX_EMAILS_PER_TEXT);
  });

  it.each([
    ['1 MiB of "a" without @', 'a'.repeat(1024 * 1024)],
    ['"a@" repeated over 1 MiB', 'a@'.repeat(512 * 1024)],
    ['64-character local parts without a domain', `${'a'.repeat(64)}@`.repeat(16_000)],
    ['dotted labels without a TLD', `x@${'a.'.repeat(512 * 1024)}`],
    ['"@a." repeated', '@a.'.repeat(400_000)],
  ])('finishes in time on %s', (_case, text) => {
    const { result, ms } = timed(() => emailsFromText(text));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result).toEqual([]);
  });
});
