import { parseCommand, sinceTime, UsageError } from './cli-args';

describe('parseCommand', () => {
  it.each([
    [[], { kind: 'help' }],
    [['help'], { kind: 'help' }],
    [['--help'], { kind: 'help' }],
    [['-h'], { kind: 'help' }],
    [['migrate'], { kind: 'migrate' }],
    [['keys', 'create', '--tenant', 'acme'], { kind: 'keys-create', tenant: 'acme', json: false }],
    [['keys', 'create', '--tenant=acme', '--json'], { kind: 'keys-create', tenant: 'acme', json: true }],
    [['keys', 'create', '--json', '--tenant', 'acme'], { kind: 'keys-create', tenant: 'acme', json: true }],
    [['keys', 'list'], { kind: 'keys-list', tenant: undefined, json: false }],
    [['keys', 'list', '--tenant', 'acme', '--json'], { kind: 'keys-list', tenant: 'acme', json: true }],
    [
      ['keys', 'revoke', '4b0f4c1e-1b9a-4b55-9b11-0c2f1c4a8e11'],
      { kind: 'keys-revoke', keyId: '4b0f4c1e-1b9a-4b55-9b11-0c2f1c4a8e11' },
    ],
    [['dlq', 'list'], { kind: 'dlq-list', json: false, limit: 100 }],
    [
      ['dlq', 'list', '--type', 'domain.scraped', '--batch', 'b1', '--since', '2026-12-01T10:00:00Z', '--json'],
      {
        kind: 'dlq-list',
        json: true,
        limit: 100,
        type: 'domain.scraped',
        batchId: 'b1',
        since: '2026-12-01T10:00:00.000Z',
      },
    ],
    [['dlq', 'list', '--limit', '5'], { kind: 'dlq-list', json: false, limit: 5 }],
    [['dlq', 'show', '0:42'], { kind: 'dlq-show', id: '0:42', json: false }],
    [
      ['dlq', 'redrive', '0:42', '2:7', '--json'],
      { kind: 'dlq-redrive', ids: ['0:42', '2:7'], all: false, json: true },
    ],
    [['dlq', 'redrive', '--all'], { kind: 'dlq-redrive', ids: [], all: true, json: false }],
  ])('%j', (argv, expected) => {
    expect(parseCommand(argv)).toEqual(expected);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['migrate', 'now'], /migrate: unexpected argument "now"/],
    [['migrate', '--force'], /Unknown option '--force'/],
    [['keys'], /a subcommand is required/],
    [['keys', 'delete'], /unknown subcommand "delete"/],
    [['keys', 'create'], /--tenant NAME is required/],
    [['keys', 'create', '--tenant'], /argument missing/],
    [['keys', 'create', '--tenant', ''], /--tenant NAME is required/],
    [['keys', 'create', '--tenant', 'a', 'extra'], /unexpected argument "extra"/],
    [['keys', 'create', '--tenant', 'a', '--yaml'], /Unknown option '--yaml'/],
    [['keys', 'list', 'acme'], /unexpected argument "acme"/],
    [['keys', 'revoke'], /exactly one KEY_ID/],
    [['keys', 'revoke', 'a', 'b'], /exactly one KEY_ID/],
    [['keys', 'revoke', '--json', 'a'], /Unknown option '--json'/],
    [['dlq'], /dlq: a subcommand is required/],
    [['dlq', 'purge'], /unknown subcommand "purge"/],
    [['dlq', 'show'], /exactly one ID/],
    [['dlq', 'show', '42'], /"42" is not a dead-letter id/],
    [['dlq', 'list', '--since', 'yesterday'], /--since must be an ISO 8601 time or an age/],
    [['dlq', 'list', '--limit', '0'], /--limit must be a positive integer/],
    [['replay', 'now'], /replay: unexpected argument "now"/],
    [['replay', '--swap', '--keep'], /--swap and --keep exclude each other/],
    [['replay', '--limit', 'many'], /--limit must be a whole number/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});

describe('replay', () => {
  it('compares by default, listing up to 100 differences', () => {
    expect(parseCommand(['replay'])).toEqual({ kind: 'replay', swap: false, keep: false, json: false, limit: 100 });
    expect(parseCommand(['replay', '--swap', '--json', '--limit', '0'])).toEqual({
      kind: 'replay',
      swap: true,
      keep: false,
      json: true,
      limit: 0,
    });
  });
});

describe('--since', () => {
  it('takes an age back from now', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(sinceTime('15m', now)).toBe('2026-12-01T11:45:00.000Z');
    expect(sinceTime('2d', now)).toBe('2026-11-29T12:00:00.000Z');
  });
});
