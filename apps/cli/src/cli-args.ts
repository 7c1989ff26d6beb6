import { parseArgs } from 'node:util';

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'migrate' }
  | { kind: 'keys-create'; tenant: string; json: boolean }
  | { kind: 'keys-list'; tenant: string | undefined; json: boolean }
  | { kind: 'keys-revoke'; keyId: string };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `usage: trawl <command>

commands:
  migrate                                  apply pending database migrations
  keys create --tenant NAME [--json]       create an API key (printed once)
  keys list [--tenant NAME] [--json]       list API keys (never the keys themselves)
  keys revoke KEY_ID                       revoke an API key by its id

environment: DATABASE_URL (default postgres://trawl:trawl@127.0.0.1:55432/trawl)`;

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
