import fs from 'node:fs/promises';
import { CliError, type CliInput, type CliOutput } from '../cli-output';
import { type ClientCommand } from '../client-args';
import { EXIT_OK } from '../exit-codes';
import { type GatewayClient } from '../gateway/gateway-client';
import { acceptedSchema } from '../gateway/gateway-schemas';
import { parseDomainList } from './domain-list';

type SubmitCommand = Extract<ClientCommand, { kind: 'submit' }>;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readDomains(file: string | undefined, input: CliInput, output: CliOutput): Promise<string[]> {
  const fromStdin = file === undefined || file === '-';
  let text: string;
  if (fromStdin) {
    if (input.stdinIsTTY) output.err('reading domains from stdin, one a line (end with Ctrl-D)');
    text = await readAll(input.stdin);
  } else {
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error);
      throw new CliError(`submit: cannot read ${file}: ${why}`);
    }
  }
  const domains = parseDomainList(text);
  if (domains.length === 0) {
    throw new CliError(
      `submit: no domains in ${fromStdin ? 'stdin' : file} (one a line; blank lines and # comments are ignored)`,
    );
  }
  return domains;
}

/**
 * Submits a batch: prints its id (the 202 body with --json). With --watch, goes on watching it
 * (`watch` is called with the id) and returns its exit code.
 */
export async function submitCommand(
  client: GatewayClient,
  command: SubmitCommand,
  input: CliInput,
  output: CliOutput,
  watch: (batchId: string) => Promise<number>,
): Promise<number> {
  const domains = await readDomains(command.file, input, output);
  const { body, raw } = await client.json('POST', '/api/v1/batches', acceptedSchema, {
    body: {
      domains,
      ...(command.maxPages !== undefined ? { max_pages: command.maxPages } : {}),
      ...(command.concurrency !== undefined ? { max_concurrent_jobs: command.concurrency } : {}),
      ...(command.metadata !== undefined ? { metadata: command.metadata } : {}),
    },
    headers: command.idempotencyKey !== undefined ? { 'idempotency-key': command.idempotencyKey } : {},
  });
  if (command.watch) {
    // With --json, the watch summary (it names the batch) is the one JSON document on stdout.
    if (command.json) output.err(`submitted batch ${body.batch_id} (${body.job_count} domains)`);
    else output.out(body.batch_id);
    return watch(body.batch_id);
  }
  output.out(command.json ? JSON.stringify(raw) : body.batch_id);
  return EXIT_OK;
}
