import { parseCommand, UsageError } from './cli-args';

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
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
