import { type BatchStatus } from '@trawl/contracts';
import { type CliOutput } from '../cli-output';
import { EXIT_OK } from '../exit-codes';
import { type GatewayClient } from '../gateway/gateway-client';
import { type BatchSummary, batchListSchema } from '../gateway/gateway-schemas';
import { textTable } from '../text-table';

/** The gateway's largest page. */
const PAGE = 500;

export function renderBatchList(batches: BatchSummary[]): string[] {
  if (batches.length === 0) return ['no batches'];
  const rows = [
    ['BATCH_ID', 'STATUS', 'DOMAINS', 'OK', 'FAILED', 'CANCELLED', 'PROGRESS', 'CREATED_AT'],
    ...batches.map((batch) => [
      batch.batch_id,
      batch.status,
      String(batch.total_domains),
      String(batch.completed_domains),
      String(batch.failed_domains),
      String(batch.cancelled_domains),
      `${Math.floor(batch.progress * 100)}%`,
      batch.created_at,
    ]),
  ];
  return textTable(rows);
}

/** The newest `limit` batches (following the cursor past one page); --json prints them as one array. */
export async function listCommand(
  client: GatewayClient,
  command: { status?: BatchStatus; limit: number; json: boolean },
  output: CliOutput,
): Promise<number> {
  const batches: BatchSummary[] = [];
  const raws: unknown[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: String(Math.min(PAGE, command.limit - batches.length)) });
    if (command.status) query.set('status', command.status);
    if (cursor) query.set('cursor', cursor);
    const { body, raw } = await client.json('GET', `/api/v1/batches?${query.toString()}`, batchListSchema);
    batches.push(...body.items);
    raws.push(...(raw as { items: unknown[] }).items);
    cursor = body.next_cursor;
  } while (cursor && batches.length < command.limit);
  if (command.json) output.out(JSON.stringify(raws));
  else for (const line of renderBatchList(batches)) output.out(line);
  return EXIT_OK;
}
