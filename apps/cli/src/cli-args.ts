import { parseArgs } from 'node:util';
import { type ClientCommand, isClientCommandName, parseClientCommand } from './client-args';
import { UsageError } from './usage-error';

export { UsageError } from './usage-error';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'migrate' }
  | { kind: 'keys-create'; tenant: string; json: boolean }
  | { kind: 'keys-list'; tenant: string | undefined; json: boolean }
  | { kind: 'keys-revoke'; keyId: string }
  | ({ kind: 'dlq-list'; json: boolean; limit: number } & DlqFilter)
  | { kind: 'dlq-show'; id: string; json: boolean }
  | ({ kind: 'dlq-redrive'; ids: string[]; all: boolean; json: boolean } & DlqFilter)
  | ReplayCommand
  | ClientCommand;

export interface ReplayCommand {
  kind: 'replay';
  swap: boolean;
  keep: boolean;
  json: boolean;
  /** Differences listed (all are counted). */
  limit: number;
}

export interface DlqFilter {
  type?: string;
  batchId?: string;
  since?: string;
}

export type DatabaseCommand = Extract<CliCommand, { kind: 'migrate' | `keys-${string}` }>;
export type KafkaCommand = Extract<CliCommand, { kind: `dlq-${string}` }>;

export function isKafkaCommand(command: CliCommand): command is KafkaCommand {
  return command.kind.startsWith('dlq-');
}

export function isClientCommand(command: CliCommand): command is ClientCommand {
  return isClientCommandName(command.kind);
}

export const USAGE = `usage: trawl <command>

commands:
  migrate                                  apply pending database migrations
  keys create --tenant NAME [--json]       create an API key (printed once)
  keys list [--tenant NAME] [--json]       list API keys (never the keys themselves)
  keys revoke KEY_ID                       revoke an API key by its id
  dlq list [FILTERS] [--limit N] [--json]  dead letters, oldest first (the last N, default 100)
  dlq show ID [--json]                     one dead letter: reason, source, headers, body (ID: partition:offset)
  dlq redrive (ID... | FILTERS | --all) [--json]
                                           put dead letters back on their source topics, each once
  replay [--swap] [--keep] [--limit N] [--json]
                                           rebuild the projection from the batch-events log into a fresh
                                           schema and compare it with the live one (exit 1 if they differ);
                                           --swap makes it the live one (stop the aggregators first),
                                           --keep leaves the rebuilt schema for inspection

client commands (talk to the gateway; each takes --gateway URL and --key KEY):
  submit [FILE|-] [--max-pages N] [--concurrency N] [--metadata JSON] [--idempotency-key K] [--watch] [--json]
                                           submit the domains of FILE (or stdin), one a line; prints the batch id
  watch BATCH_ID [--json]                  live progress until the batch ends, then a summary
  status BATCH_ID [--json]                 the batch's status document
  list [--status S] [--limit N] [--json]   batches, newest first (default 20)
  cancel BATCH_ID [--reason TEXT] [--json] cancel a batch (no new domain starts)
  retry-failed BATCH_ID [--json]           run the failed domains of an ended batch again
  export BATCH_ID [--format csv|jsonl] [-o FILE]
                                           every domain's result, streamed to FILE or stdout
  trace BATCH_ID [--limit N] [--json]      the batch's trace from Jaeger as a waterfall (first N spans, 2000)

exit codes: 0 ok (watch: batch complete), 1 error, 2 bad usage; watch and submit --watch:
  3 batch partial, 4 batch failed, 5 batch cancelled

FILTERS: --type TYPE (e.g. domain.scraped), --batch BATCH_ID, --since TIME (ISO 8601, or 15m, 6h, 7d ago)

environment: DATABASE_URL (default postgres://trawl:trawl@127.0.0.1:55432/trawl),
  KAFKA_BROKERS (127.0.0.1:9092), TRAWL_TOPIC_PREFIX (trawl.),
  TRAWL_GATEWAY (http://127.0.0.1:3000), TRAWL_API_KEY (the client commands' key)`;

const DLQ_ID = /^\d+:\d+$/;
const AGO = /^(\d{1,6})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** --since as an ISO time: an ISO 8601 date-time, or an age like 15m, 6h, 7d. */
export function sinceTime(value: string, now = Date.now()): string {
  const ago = AGO.exec(value);
  if (ago) return new Date(now - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS]).toISOString();
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time.getTime())) {
    throw new UsageError(`--since must be an ISO 8601 time or an age like 15m, 6h, 7d (got "${value}")`);
  }
  return time.toISOString();
}

function parseDlq(sub: string | undefined, args: string[]): KafkaCommand {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        type: { type: 'string' },
        batch: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const { values, positionals } = parsed;
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const filter: DlqFilter = {
    ...(text('type') !== undefined ? { type: text('type') } : {}),
    ...(text('batch') !== undefined ? { batchId: text('batch') } : {}),
    ...(text('since') !== undefined ? { since: sinceTime(text('since')!) } : {}),
  };
  const json = values.json === true;
  for (const id of sub === 'list' ? [] : positionals) {
    if (!DLQ_ID.test(id)) throw new UsageError(`dlq ${sub}: "${id}" is not a dead-letter id (partition:offset)`);
  }
  switch (sub) {
    case 'list': {
      noPositionals(positionals, 'dlq list');
      const limit = text('limit') === undefined ? 100 : Number(text('limit'));
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('dlq list: --limit must be a positive integer');
      return { kind: 'dlq-list', json, limit, ...filter };
    }
    case 'show':
      if (positionals.length !== 1) throw new UsageError('dlq show: exactly one ID (partition:offset) is required');
      return { kind: 'dlq-show', id: positionals[0]!, json };
    case 'redrive':
      return { kind: 'dlq-redrive', ids: positionals, all: values.all === true, json, ...filter };
    case undefined:
      throw new UsageError('dlq: a subcommand is required (list, show or redrive)');
    default:
      throw new UsageError(`dlq: unknown subcommand "${sub}"`);
  }
}

function parse(args: string[], options: { tenant?: boolean; json?: boolean }) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...(options.tenant ? { tenant: { type: 'string' as const } } : {}),
        ...(options.json ? { json: { type: 'boolean' as const } } : {}),
      },
    }) as { values: { tenant?: string; json?: boolean }; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

function parseReplay(args: string[]): ReplayCommand {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        swap: { type: 'boolean' },
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        limit: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  noPositionals(positionals, 'replay');
  const limit = typeof values.limit === 'string' ? Number(values.limit) : 100;
  if (!Number.isInteger(limit) || limit < 0) throw new UsageError('replay: --limit must be a whole number');
  if (values.swap === true && values.keep === true) {
    throw new UsageError('replay: --swap and --keep exclude each other (a swapped schema becomes the live one)');
  }
  return { kind: 'replay', swap: values.swap === true, keep: values.keep === true, json: values.json === true, limit };
}

function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`${command}: unexpected argument "${positionals[0]}"`);
}

/** Reads the command line (without node and the script); throws UsageError for anything else. */
export function parseCommand(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || ['help', '--help', '-h'].includes(command)) return { kind: 'help' };
  if (command === 'migrate') {
    noPositionals(parse(rest, {}).positionals, 'migrate');
    return { kind: 'migrate' };
  }
  if (command === 'dlq') return parseDlq(rest[0], rest.slice(1));
  if (command === 'replay') return parseReplay(rest);
  if (isClientCommandName(command)) return parseClientCommand(command, rest);
  if (command !== 'keys') throw new UsageError(`unknown command "${command}"`);
  const [sub, ...args] = rest;
  switch (sub) {
    case 'create': {
      const { values, positionals } = parse(args, { tenant: true, json: true });
      noPositionals(positionals, 'keys create');
      if (!values.tenant) throw new UsageError('keys create: --tenant NAME is required');
      return { kind: 'keys-create', tenant: values.tenant, json: values.json ?? false };
    }
    case 'list': {
      const { values, positionals } = parse(args, { tenant: true, json: true });
      noPositionals(positionals, 'keys list');
      return { kind: 'keys-list', tenant: values.tenant || undefined, json: values.json ?? false };
    }
    case 'revoke': {
      const { positionals } = parse(args, {});
      if (positionals.length !== 1) throw new UsageError('keys revoke: exactly one KEY_ID is required');
      return { kind: 'keys-revoke', keyId: positionals[0]! };
    }
    case undefined:
      throw new UsageError('keys: a subcommand is required (create, list or revoke)');
    default:
      throw new UsageError(`keys: unknown subcommand "${sub}"`);
  }
}
