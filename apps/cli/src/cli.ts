import { DataSource } from 'typeorm';
import { ConfigError, loadTrawlConfig } from '@trawl/config';
import { dataSourceOptions } from '@trawl/persistence';
import { topicName } from '@trawl/contracts';
import { createKafka } from '@trawl/messaging';
import { createLogger } from '@trawl/telemetry';
import {
  type CliCommand,
  type DatabaseCommand,
  isClientCommand,
  isKafkaCommand,
  type KafkaCommand,
  parseCommand,
  USAGE,
  UsageError,
} from './cli-args';
import { CliError, type CliInput, type CliOutput } from './cli-output';
import { type ClientCommand } from './client-args';
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { GatewayClient } from './gateway/gateway-client';
import { resolveConnection } from './gateway/gateway-connection';
import { cancelCommand } from './commands/cancel.command';
import { exportCommand } from './commands/export.command';
import { listCommand } from './commands/list.command';
import { retryFailedCommand } from './commands/retry-failed.command';
import { statusCommand } from './commands/status.command';
import { submitCommand } from './commands/submit.command';
import { traceCommand } from './commands/trace.command';
import { watchCommand } from './commands/watch.command';
import { replayCommand } from './replay/replay.command';
import { migrateCommand } from './commands/migrate.command';
import { createKeyCommand, listKeysCommand, revokeKeyCommand } from './commands/keys.command';
import {
  type DlqContext,
  listDeadLettersCommand,
  redriveDeadLettersCommand,
  showDeadLetterCommand,
} from './commands/dlq.command';

export {
  EXIT_CANCELLED,
  EXIT_ERROR,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_PARTIAL,
  EXIT_USAGE,
  exitCodeForBatchStatus,
} from './exit-codes';

function withoutPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the configured DATABASE_URL';
  }
}

/** One line a user can act on, for the errors the CLI expects; undefined for the unexpected. */
export function describeError(error: unknown, databaseUrl: string): string | undefined {
  if (error instanceof CliError) return error.message;
  if (error instanceof ConfigError) return `invalid configuration: ${error.problems.join('; ')}`;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  if (code === '42P01') return 'the database has no Trawl schema yet: run `trawl migrate` first';
  if (code === '3D000' || code === '28P01' || code === '28000') {
    return `cannot use the database at ${withoutPassword(databaseUrl)}: ${text}`;
  }
  if (typeof code === 'string' && /^(ECONN|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH)/.test(code)) {
    return `cannot reach the database at ${withoutPassword(databaseUrl)} (${code})`;
  }
  return undefined;
}

async function executeOnKafka(command: KafkaCommand, context: DlqContext, output: CliOutput): Promise<number> {
  switch (command.kind) {
    case 'dlq-list':
      return listDeadLettersCommand(context, command, output);
    case 'dlq-show':
      return showDeadLetterCommand(context, command, output);
    case 'dlq-redrive':
      return redriveDeadLettersCommand(context, command, output);
  }
}

/** The dead-letter commands: Kafka only, no database. */
async function runOnKafka(command: KafkaCommand, env: NodeJS.ProcessEnv, output: CliOutput): Promise<number> {
  try {
    const config = loadTrawlConfig(env);
    const log = createLogger('trawl-cli', 'silent');
    const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'trawl-cli', log });
    const context = {
      kafka,
      topic: topicName(config.TRAWL_TOPIC_PREFIX, 'deadLetter'),
      topicPrefix: config.TRAWL_TOPIC_PREFIX,
      log,
    };
    return await executeOnKafka(command, context, output);
  } catch (error) {
    if (error instanceof CliError) output.err(`trawl: ${error.message}`);
    else if (error instanceof ConfigError) output.err(`trawl: invalid configuration: ${error.problems.join('; ')}`);
    else output.err(`trawl: cannot read the dead letters: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_ERROR;
  }
}

function executeOnGateway(
  command: ClientCommand,
  client: GatewayClient,
  input: CliInput,
  output: CliOutput,
): Promise<number> {
  switch (command.kind) {
    case 'submit':
      return submitCommand(client, command, input, output, (batchId) =>
        watchCommand(client, { batchId, json: command.json }, output),
      );
    case 'watch':
      return watchCommand(client, command, output);
    case 'status':
      return statusCommand(client, command, output);
    case 'list':
      return listCommand(client, command, output);
    case 'cancel':
      return cancelCommand(client, command, output);
    case 'retry-failed':
      return retryFailedCommand(client, command, output);
    case 'export':
      return exportCommand(client, command, output, output.rawStdout ?? process.stdout);
    case 'trace':
      return traceCommand(client, command, output);
  }
}

/** The client commands: the gateway's REST API over HTTP, no database, no Kafka. */
async function runOnGateway(
  command: ClientCommand,
  env: NodeJS.ProcessEnv,
  input: CliInput,
  output: CliOutput,
): Promise<number> {
  try {
    const client = new GatewayClient(resolveConnection(command, env));
    return await executeOnGateway(command, client, input, output);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    output.err(`trawl: ${error.message}`);
    return EXIT_ERROR;
  }
}

async function execute(command: DatabaseCommand, dataSource: DataSource, output: CliOutput): Promise<number> {
  switch (command.kind) {
    case 'migrate':
      return migrateCommand(dataSource, output);
    case 'keys-create':
      return createKeyCommand(dataSource, command, output);
    case 'keys-list':
      return listKeysCommand(dataSource, command, output);
    case 'keys-revoke':
      return revokeKeyCommand(dataSource, command.keyId, output);
  }
}

/**
 * Runs one CLI invocation; returns the exit code (0 ok, 1 error, 2 bad usage; a watched batch:
 * 3 partial, 4 failed, 5 cancelled).
 */
export async function runCli(
  argv: string[],
  env: NodeJS.ProcessEnv,
  output: CliOutput,
  input: CliInput = { stdin: process.stdin, stdinIsTTY: process.stdin.isTTY === true },
): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.err(`trawl: ${error.message}`);
    output.err(USAGE);
    return EXIT_USAGE;
  }
  if (command.kind === 'help') {
    output.out(USAGE);
    return EXIT_OK;
  }
  if (isKafkaCommand(command)) return runOnKafka(command, env, output);
  if (isClientCommand(command)) return runOnGateway(command, env, input, output);
  const replay = command.kind === 'replay' ? command : undefined;
  let databaseUrl = '';
  let dataSource: DataSource | undefined;
  try {
    databaseUrl = loadTrawlConfig(env).DATABASE_URL;
    // Two connections: runMigrations holds one for its advisory lock while migrating on another.
    // No TypeORM logging: it would add multi-line query dumps to the one error line, and its
    // slow-query lines (on stdout) to what scripts read.
    dataSource = new DataSource({
      ...dataSourceOptions(databaseUrl, { poolSize: 2, applicationName: 'trawl-cli' }),
      logging: false,
      maxQueryExecutionTime: 0,
    });
    await dataSource.initialize();
    if (replay) {
      const config = loadTrawlConfig(env);
      const log = createLogger('trawl-cli', 'silent');
      const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'trawl-cli-replay', log });
      return await replayCommand({ dataSource, kafka, topicPrefix: config.TRAWL_TOPIC_PREFIX }, replay, output);
    }
    return await execute(command as DatabaseCommand, dataSource, output);
  } catch (error) {
    const line = describeError(error, databaseUrl);
    output.err(`trawl: ${line ?? `unexpected error: ${error instanceof Error ? error.message : String(error)}`}`);
    return EXIT_ERROR;
  } finally {
    if (dataSource?.isInitialized) await dataSource.destroy();
  }
}
