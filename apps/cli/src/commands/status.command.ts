import { type CliOutput } from '../cli-output';
import { EXIT_OK } from '../exit-codes';
import { type GatewayClient } from '../gateway/gateway-client';
import { type BatchSummary, batchSummarySchema } from '../gateway/gateway-schemas';
import { formatDuration } from '../watch/progress-render';

/** The status document as `name  value` lines (nothing that is not set). */
export function renderStatus(status: BatchSummary): string[] {
  const ended = status.completed_domains + status.failed_domains + status.cancelled_domains;
  const rows: [string, string | null | undefined][] = [
    ['batch', status.batch_id],
    ['status', status.status],
    ['progress', `${(status.progress * 100).toFixed(1)}% (${ended} of ${status.total_domains} domains ended)`],
    ['succeeded', String(status.completed_domains)],
    ['failed', String(status.failed_domains)],
    ['cancelled', String(status.cancelled_domains)],
    ['pages', status.pages_scraped === undefined ? undefined : String(status.pages_scraped)],
    ['created', status.created_at],
    ['started', status.start_time],
    ['ended', status.end_time],
    ['took', status.processing_time === null ? undefined : formatDuration(status.processing_time)],
    ['cancel asked', status.cancel_requested_at],
    ['stuck since', status.stuck_since],
    ['error', status.error],
    ['trace', status.trace_id],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== null);
  const width = Math.max(...shown.map(([name]) => name.length));
  return shown.map(([name, value]) => `${name.padEnd(width)}  ${value}`);
}

/** Prints a batch's status document (as the gateway gave it with --json). */
export async function statusCommand(
  client: GatewayClient,
  command: { batchId: string; json: boolean },
  output: CliOutput,
): Promise<number> {
  const { body, raw } = await client.json('GET', `/api/v1/batches/${command.batchId}`, batchSummarySchema);
  if (command.json) output.out(JSON.stringify(raw));
  else for (const line of renderStatus(body)) output.out(line);
  return EXIT_OK;
}
