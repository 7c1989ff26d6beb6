import type { LookupAddress } from 'node:dns';
import { createGuardedLookup, isBlockedAddress, type DnsLookupAll } from './ssrf.guard';

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.1',
    '198.18.0.1',
    '240.0.0.1',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    '2001:db8::1',
    // forms that hand-rolled parsers get wrong are never accepted as public
    '127.1',
    '0177.0.0.1',
    '0x7f.0.0.1',
    '2130706433',
    '017700000001',
    'localhost',
    '',
    'not an ip',
  ])('blocks %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows public %s', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

describe('guarded lookup', () => {
  type Answer = LookupAddress[];
  const lookupWith = (
    answer: Answer | Error,
    options: { all?: boolean },
  ): Promise<{ error: unknown; result: unknown[] }> => {
    const fake: DnsLookupAll = (_hostname, _options, callback) =>
      answer instanceof Error ? callback(answer, []) : callback(null, answer);
    return new Promise((resolve) => {
      createGuardedLookup(fake)('site.example', options, (error: unknown, ...result: unknown[]) =>
        resolve({ error, result }),
      );
    });
  };

  it('passes public answers through, in both callback shapes', async () => {
    const answer = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    expect(await lookupWith(answer, { all: true })).toEqual({ error: null, result: [answer] });
    expect(await lookupWith(answer, {})).toEqual({ error: null, result: ['93.184.216.34', 4] });
  });

  it('refuses a name if any answer is internal (no mixed answers)', async () => {
    const { error } = await lookupWith(
      [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:10.0.0.7', family: 6 },
      ],
      { all: true },
    );
    expect(error).toMatchObject({ errorClass: 'ssrf_blocked', code: 'TRAWL_SSRF_BLOCKED' });
  });

  it('passes DNS errors through unchanged', async () => {
    const { error } = await lookupWith(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }), { all: true });
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
