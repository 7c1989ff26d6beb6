import { parseCommand, sinceTime, USAGE, UsageError } from './cli-args';

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

describe('the client commands', () => {
  const ID = '282348a7-ac5b-41c2-a279-9eea14a17bcc';

  it.each([
    [['submit'], { kind: 'submit', file: undefined, watch: false, json: false }],
    [['submit', '-'], { kind: 'submit', file: '-', watch: false, json: false }],
    [
      [
        'submit',
        'domains.txt',
        '--max-pages',
        '5',
        '--concurrency=3',
        '--metadata',
        '{"team":"growth","n":1}',
        '--idempotency-key',
        'run-42',
        '--watch',
        '--json',
        '--gateway',
        'http://gw:3000',
        '--key',
        'trawl_k',
      ],
      {
        kind: 'submit',
        file: 'domains.txt',
        maxPages: 5,
        concurrency: 3,
        metadata: { team: 'growth', n: 1 },
        idempotencyKey: 'run-42',
        watch: true,
        json: true,
        gateway: 'http://gw:3000',
        key: 'trawl_k',
      },
    ],
    [['watch', ID], { kind: 'watch', batchId: ID, json: false }],
    [['watch', '--json', ID, '--key', 'k'], { kind: 'watch', batchId: ID, json: true, key: 'k' }],
    [['status', ID, '--json'], { kind: 'status', batchId: ID, json: true }],
    [['trace', ID], { kind: 'trace', batchId: ID, json: false }],
    [['trace', ID, '--limit', '50', '--json'], { kind: 'trace', batchId: ID, limit: 50, json: true }],
    [['list'], { kind: 'list', limit: 20, json: false }],
    [
      ['list', '--status', 'partial', '--limit', '700', '--json'],
      { kind: 'list', status: 'partial', limit: 700, json: true },
    ],
    [['cancel', ID], { kind: 'cancel', batchId: ID, json: false }],
    [['cancel', ID, '--reason', 'wrong list'], { kind: 'cancel', batchId: ID, reason: 'wrong list', json: false }],
    [['retry-failed', ID, '--json'], { kind: 'retry-failed', batchId: ID, json: true }],
    [['export', ID], { kind: 'export', batchId: ID, format: 'csv' }],
    [
      ['export', ID, '--format', 'jsonl', '-o', 'out.jsonl'],
      { kind: 'export', batchId: ID, format: 'jsonl', outFile: 'out.jsonl' },
    ],
    [['export', '--output=x.csv', ID], { kind: 'export', batchId: ID, format: 'csv', outFile: 'x.csv' }],
  ])('%j', (argv, expected) => {
    expect(parseCommand(argv)).toStrictEqual(expected);
  });

  it.each([
    [['submit', 'a.txt', 'b.txt'], /submit: one FILE at most/],
    [['trace', ID, '--limit', '0'], /trace: --limit must be a positive whole number/],
    [['trace'], /trace: exactly one BATCH_ID is required/],
    [['submit', '--max-pages', '0'], /--max-pages must be a positive whole number \(got "0"\)/],
    [['submit', '--max-pages', '2.5'], /--max-pages must be a positive whole number/],
    [['submit', '--concurrency', 'many'], /--concurrency must be a positive whole number/],
    [['submit', '--metadata', '{oops'], /--metadata must be a JSON object/],
    [['submit', '--metadata', '[1,2]'], /--metadata must be a JSON object/],
    [['submit', '--metadata', 'null'], /--metadata must be a JSON object/],
    [['submit', '--idempotency-key', ''], /--idempotency-key must not be empty/],
    [['submit', '--wait'], /submit: Unknown option '--wait'/],
    [['watch'], /watch: exactly one BATCH_ID is required/],
    [['watch', ID, ID], /watch: exactly one BATCH_ID is required/],
    [['watch', 'not-a-batch'], /watch: "not-a-batch" is not a batch id/],
    [['status'], /status: exactly one BATCH_ID/],
    [['status', ID, '--yaml'], /status: Unknown option '--yaml'/],
    [['list', 'running'], /list: unexpected argument "running"/],
    [['list', '--status', 'done'], /--status must be one of pending, running, complete, partial, failed, cancelled/],
    [['list', '--limit', '-1'], /--limit/],
    [['cancel'], /cancel: exactly one BATCH_ID/],
    [['retry-failed', '42'], /retry-failed: "42" is not a batch id/],
    [['export', ID, '--format', 'xlsx'], /--format must be csv or jsonl \(got "xlsx"\)/],
    [['export', ID, '-o'], /argument missing/],
    [['export'], /export: exactly one BATCH_ID/],
    [['watch', ID, '--gateway'], /argument missing/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });

  it('lists every client command in the usage', () => {
    for (const name of ['submit', 'watch', 'status', 'list', 'cancel', 'retry-failed', 'export']) {
      expect(USAGE).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    expect(USAGE).toMatch(/TRAWL_GATEWAY/);
    expect(USAGE).toMatch(/TRAWL_API_KEY/);
  });
});
