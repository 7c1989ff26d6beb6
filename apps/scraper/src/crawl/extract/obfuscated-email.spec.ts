import fc from 'fast-check';
import { atMarks, obfuscatedEmailsFromText } from './obfuscated-email';
import { PATHOLOGICAL_BUDGET_MS, timed } from './testing/timed';

describe('obfuscatedEmailsFromText', () => {
  it.each([
    ['jane [at] acme [dot] com', 'jane@acme.com'],
    ['jane(at)acme(dot)co(dot)uk', 'jane@acme.co.uk'],
    ['jane {at} acme {dot} io', 'jane@acme.io'],
    ['jane [@] acme [.] de', 'jane@acme.de'],
    ['Jane.Doe [AT] Acme.com', 'jane.doe@acme.com'],
    ['jane @ acme . com', 'jane@acme.com'],
    ['jane@ acme.com', 'jane@acme.com'],
    ['jane at acme dot com', 'jane@acme.com'],
    ['JANE AT ACME DOT CO DOT UK', 'jane@acme.co.uk'],
    ['Mail: jane_doe at mail dot acme dot org.', 'jane_doe@mail.acme.org'],
  ])('reads "%s"', (text, expected) => {
    expect(obfuscatedEmailsFromText(text)).toEqual([expected]);
  });

  it.each([
    ['a plain address, which emailsFromText reads', 'jane@acme.com'],
    ['"at" in prose with no domain', 'look at this dot'],
    ['"at" with a pronoun on either side', 'look at this dot com; we met them at home dot com'],
    ['"at" followed by a dotted name', 'find us at acme.com'],
    ['a spaced @ after a pronoun', 'find us @ acme.com'],
    ['"at" followed by a dotted name with a local part', 'jane at acme.com'],
    ['a TLD that is no TLD', 'jane at acme dot xq'],
    ['a sentence ending after the host', 'write jane [at] acme. Then call'],
    ['a spaced @ before a sentence end', 'meet @ noon . Then'],
    ['a placeholder domain', 'jane [at] example [dot] com'],
    ['a file extension for a TLD', 'logo [at] 2x [dot] png'],
    ['a word run into "at"', 'that acme dot com'],
    ['a newline between the parts', 'jane\n[at]\nacme\n[dot]\ncom'],
  ])('ignores %s', (_case, text) => {
    expect(obfuscatedEmailsFromText(text)).toEqual([]);
  });

  it.each([
    ['1 MiB of "a" without a separator', 'a'.repeat(1024 * 1024)],
    ['" at " repeated over 1 MiB', ' at '.repeat(256 * 1024)],
    ['"a [at] b [dot] " repeated over 1 MiB', 'a [at] b [dot] '.repeat(70_000)],
    ['"x at y dot " repeated over 1 MiB', 'x at y dot '.repeat(96_000)],
    ['"[at]" repeated without spaces', '[at]'.repeat(262_144)],
    ['"a (at) " then 1 MiB of labels', `a (at) ${'b.'.repeat(512 * 1024)}`],
    ['" @ " repeated', ' @ '.repeat(350_000)],
  ])('finishes in time on %s', (_case, text) => {
    const { result, ms } = timed(() => obfuscatedEmailsFromText(text));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result).toEqual([]);
  });
});

describe('atMarks', () => {
  // The pattern as a plain global scan finds its matches: what atMarks must find, faster.
  const SPACE = '[ \\t\\u00a0]';
  const reference = new RegExp(
    `(${SPACE}{0,3}[\\[({<]${SPACE}{0,2}(?:at|@)${SPACE}{0,2}[\\])}>]${SPACE}{0,3}|${SPACE}{1,3}@${SPACE}{0,3}|@${SPACE}{1,3})|${SPACE}{1,3}at${SPACE}{1,3}`,
    'gi',
  );
  const byGlobalScan = (text: string) =>
    [...text.matchAll(reference)].map((match) => ({
      start: match.index,
      end: match.index + match[0].length,
      marked: match[1] !== undefined,
    }));

  it('finds exactly what a global scan of the pattern finds, on any mix of its characters', () => {
    const alphabet = [
      ' ',
      ' ',
      ' ',
      '\t',
      '\u00a0',
      '[',
      ']',
      '(',
      ')',
      '{',
      '}',
      '<',
      '>',
      '@',
      'a',
      't',
      'A',
      'T',
      'x',
      '.',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        expect(atMarks(text)).toEqual(byGlobalScan(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('finds the same on prose with addresses in it', () => {
    const text =
      'Write to jane [at] acme [dot] com or at  the desk; bob @ acme . com, (at) x, { @ } y, ' +
      'look at this, AT\u00a0ACME, a@ b, c @d, [ at ] z, <@>w, at\tat at';
    expect(atMarks(text)).toEqual(byGlobalScan(text));
    expect(atMarks(text).length).toBeGreaterThan(8);
  });
});
