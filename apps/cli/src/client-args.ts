import { parseArgs } from 'node:util';
import { BATCH_STATUSES, type BatchStatus } from '@trawl/contracts';
import { UsageError } from './usage-error';

/** Where the gateway is and the key to show it; unset ones come from the environment. */
export interface GatewayOptions {
  gateway?: string;
  key?: string;
}

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ClientCommand = GatewayOptions &
  (
    | {
        kind: 'submit';
        /** A file of domains, one per line; undefined or '-' reads stdin. */
        file: string | undefined;
        maxPages?: number;
        concurrency?: number;
        metadata?: Record<string, unknown>;
        idempotencyKey?: string;
        watch: boolean;
        json: boolean;
      }
    | { kind: 'watch'; batchId: string; json: boolean }
    | { kind: 'status'; batchId: string; json: boolean }
    | { kind: 'list'; status?: BatchStatus; limit: number; json: boolean }
    | { kind: 'cancel'; batchId: string; reason?: string; json: boolean }
    | { kind: 'retry-failed'; batchId: string; json: boolean }
    | { kind: 'export'; batchId: string; format: ExportFormat; outFile?: string }
    | { kind: 'trace'; batchId: string; limit?: number; json: boolean }
  );

/** The commands that talk to the gateway over HTTP. */
export const CLIENT_COMMANDS = [
  'submit',
  'watch',
  'status',
  'list',
  'cancel',
  'retry-failed',
  'export',
  'trace',
] as const;
export type ClientCommandName = (typeof CLIENT_COMMANDS)[number];

export function isClientCommandName(name: string): name is ClientCommandName {
  return (CLIENT_COMMANDS as readonly string[]).includes(name);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONNECTION = { gateway: { type: 'string' }, key: { type: 'string' } } as const;
type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function read(command: string, args: string[], options: OptionSpec) {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...CONNECTION, ...options },
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0] ?? 'invalid arguments'}`);
  }
}

function connection(values: Record<string, string | boolean | undefined>): GatewayOptions {
  return {
    ...(typeof values.gateway === 'string' ? { gateway: values.gateway } : {}),
    ...(typeof values.key === 'string' ? { key: values.key } : {}),
  };
}

function oneBatchId(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`${command}: exactly one BATCH_ID is required`);
  const id = positionals[0]!;
  if (!UUID.test(id)) throw new UsageError(`${command}: "${id}" is not a batch id (a UUID)`);
  return id;
}

function positiveInteger(command: string, name: string, value: string | boolean | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`${command}: --${name} must be a positive whole number (got "${value}")`);
  }
  return number;
}

function jsonObject(value: string | boolean | undefined): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new UsageError('submit: --metadata must be a JSON object, e.g. \'{"team": "growth"}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError('submit: --metadata must be a JSON object, e.g. \'{"team": "growth"}\'');
  }
  return parsed as Record<string, unknown>;
}

function parseSubmit(args: string[]): ClientCommand {
  const { values, positionals } = read('submit', args, {
    'max-pages': { type: 'string' },
    concurrency: { type: 'string' },
    metadata: { type: 'string' },
    'idempotency-key': { type: 'string' },
    watch: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 1) throw new UsageError(`submit: one FILE at most (got "${positionals[1]}" too)`);
  const maxPages = positiveInteger('submit', 'max-pages', values['max-pages']);
  const concurrency = positiveInteger('submit', 'concurrency', values.concurrency);
  const metadata = jsonObject(values.metadata);
  const idempotencyKey = values['idempotency-key'];
  if (idempotencyKey === '') throw new UsageError('submit: --idempotency-key must not be empty');
  return {
    kind: 'submit',
    file: positionals[0],
    ...(maxPages !== undefined ? { maxPages } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(metadata !== undefined ? { metadata } : {}),
    ...(typeof idempotencyKey === 'string' ? { idempotencyKey } : {}),
    watch: values.watch === true,
    json: values.json === true,
    ...connection(values),
  };
}

function parseList(args: string[]): ClientCommand {
  const { values, positionals } = read('list', args, {
    status: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new UsageError(`list: unexpected argument "${positionals[0]}"`);
  const status = values.status;
  if (typeof status === 'string' && !(BATCH_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`list: --status must be one of ${BATCH_STATUSES.join(', ')} (got "${status}")`);
  }
  return {
    kind: 'list',
    ...(typeof status === 'string' ? { status: status as BatchStatus } : {}),
    limit: positiveInteger('list', 'limit', values.limit) ?? 20,
    json: values.json === true,
    ...connection(values),
  };
}

function parseExport(args: string[]): ClientCommand {
  const { values, positionals } = read('export', args, {
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
  });
  const format = values.format ?? 'csv';
  if (!(EXPORT_FORMATS as readonly unknown[]).includes(format)) {
    throw new UsageError(`export: --format must be csv or jsonl (got "${String(format)}")`);
  }
  if (values.output === '') throw new UsageError('export: -o needs a FILE name');
  return {
    kind: 'export',
    batchId: oneBatchId('export', positionals),
    format: format as ExportFormat,
    ...(typeof values.output === 'string' ? { outFile: values.output } : {}),
    ...connection(values),
  };
}

/** Reads the arguments of a gateway command (after its name); throws UsageError for anything else. */
export function parseClientCommand(name: ClientCommandName, args: string[]): ClientCommand {
  switch (name) {
    case 'submit':
      return parseSubmit(args);
    case 'list':
      return parseList(args);
    case 'export':
      return parseExport(args);
    case 'cancel': {
      const { values, positionals } = read(name, args, { reason: { type: 'string' }, json: { type: 'boolean' } });
      return {
        kind: name,
        batchId: oneBatchId(name, positionals),
        ...(typeof values.reason === 'string' ? { reason: values.reason } : {}),
        json: values.json === true,
        ...connection(values),
      };
    }
    case 'trace': {
      const { values, positionals } = read(name, args, { limit: { type: 'string' }, json: { type: 'boolean' } });
      const limit = positiveInteger(name, 'limit', values.limit);
      return {
        kind: name,
        batchId: oneBatchId(name, positionals),
        ...(limit !== undefined ? { limit } : {}),
        json: values.json === true,
        ...connection(values),
      };
    }
    case 'watch':
    case 'status':
    case 'retry-failed': {
      const { values, positionals } = read(name, args, { json: { type: 'boolean' } });
      return { kind: name, batchId: oneBatchId(name, positionals), json: values.json === true, ...connection(values) };
    }
  }
}
