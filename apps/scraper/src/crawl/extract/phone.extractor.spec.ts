import { MAX_PHONES_PER_TEXT, phoneFromTel, phonesFromText } from './phone.extractor';
import { PATHOLOGICAL_BUDGET_MS, timed } from './testing/timed';

describe('phonesFromText with no known country', () => {
  it('reads numbers written internationally, as E.164', () => {
    expect(phonesFromText('Call +1 (555) 010-0199 or +49 30 1234567.')).toEqual(['+15550100199', '+49301234567']);
    expect(phonesFromText('London: 0044 20 7946 0958; Berlin: +49 (0)30 1234567')).toEqual([
      '+442079460958',
      '+49301234567',
    ]);
    expect(phonesFromText('(+44) 20 7946 0958')).toEqual(['+442079460958']);
  });

  it('ignores national formats, since their country is unknown', () => {
    expect(phonesFromText('US office: (212) 555-0142, London 020 7946 0958')).toEqual([]);
  });

  it('ignores international numbers that are not possible', () => {
    expect(phonesFromText('+1 555 0100 9999 and +44 12')).toEqual([]);
  });

  it('does not take part of a longer digit sequence or an id for a number', () => {
    expect(phonesFromText('ref 12+44 20 7946 0958, #+49 30 1234567, x+1 212 555 0142')).toEqual([]);
  });
});

describe('phonesFromText with the country of the page', () => {
  it('reads national formats as that country writes them', () => {
    expect(phonesFromText('Tel.: 030 1234567, Fax 030/12345-68, mobil 0171 1234567', 'DE')).toEqual([
      '+49301234567',
      '+49301234568',
      '+491711234567',
    ]);
    expect(phonesFromText('Call (212) 555-0142 or 1-800-555-0199', 'US')).toEqual(['+12125550142', '+18005550199']);
    expect(phonesFromText('Standard: 020 7946 0958', 'GB')).toEqual(['+442079460958']);
    expect(phonesFromText('Tél. 01 23 45 67 89 ou 01.23.45.67.89', 'FR')).toEqual(['+33123456789', '+33123456789']);
  });

  it.each([
    ['versions and builds', 'Version 1.2.3.4, build 10.0.19041.1'],
    ['dates', 'on 2024-01-15, 15.01.2024 and 01/15/2024'],
    ['ids and order numbers without separators', 'id 1234567890, order #5551234567'],
    ['amounts', 'price 1.234.567 or 12.345.678'],
    ['IP addresses', 'host 192.168.100.200'],
    ['digits valid only without the trunk prefix', 'code 2024 0115'],
  ])('ignores %s', (_case, text) => {
    expect(phonesFromText(text, 'DE')).toEqual([]);
    expect(phonesFromText(text, 'US')).toEqual([]);
  });

  it(`reports at most ${MAX_PHONES_PER_TEXT} numbers`, () => {
    const text = Array.from({ length: 80 }, (_, i) => `+44 20 7946 ${String(1000 + i)}`).join(', ');
    expect(phonesFromText(text)).toHaveLength(MAX_PHONES_PER_TEXT);
  });

  it.each([
    ['"1 " repeated over 1.2 MB', '1 '.repeat(600_000)],
    ['1 MiB of digits', '1'.repeat(1024 * 1024)],
    ['"+1 2 " repeated over 1 MiB', '+1 2 '.repeat(210_000)],
    ['"(1" repeated', '(1'.repeat(524_288)],
    ['"12-34 " repeated', '12-34 '.repeat(175_000)],
    ['dates, each a candidate', '2024-01-15, '.repeat(90_000)],
    ['10-digit ids, each a candidate', '1234567890, '.repeat(90_000)],
    ['versions, each a candidate', 'v 10.0.19041.1, '.repeat(70_000)],
    ['international numbers of no country, each a candidate', '+999 1234567, '.repeat(75_000)],
  ])('finishes in time on %s', (_case, text) => {
    const { result, ms } = timed(() => phonesFromText(text, 'DE'));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result).toEqual([]);
  });

  it('parses a bounded number of candidates on a page full of plausible numbers', () => {
    const text = '030 1234567, '.repeat(90_000);
    const { result, ms } = timed(() => phonesFromText(text, 'DE'));
    expect(ms).toBeLessThan(PATHOLOGICAL_BUDGET_MS);
    expect(result.length).toBeLessThanOrEqual(MAX_PHONES_PER_TEXT);
  });
});

describe('phoneFromTel', () => {
  it('reads international numbers with + or 00', () => {
    expect(phoneFromTel('tel:+44%2020%207946%200958')).toBe('+442079460958');
    expect(phoneFromTel('tel:0044-20-7946-0958')).toBe('+442079460958');
    expect(phoneFromTel(' TEL:+1-212-555-0142;ext=12')).toBe('+12125550142');
  });

  it('reads a national number only with the country, and only if valid there', () => {
    expect(phoneFromTel('tel:020 7946 0958')).toBeUndefined();
    expect(phoneFromTel('tel:020 7946 0958', 'GB')).toBe('+442079460958');
    expect(phoneFromTel('tel:123', 'GB')).toBeUndefined();
  });

  it('ignores other links and absurd lengths', () => {
    expect(phoneFromTel('mailto:x@acme.io')).toBeUndefined();
    expect(phoneFromTel(`tel:+44${'0'.repeat(1024 * 1024)}`)).toBeUndefined();
  });
});
