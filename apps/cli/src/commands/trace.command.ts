import { type CliOutput } from '../cli-output';
import { EXIT_OK } from '../exit-codes';
import { type GatewayClient } from '../gateway/gateway-client';
import { traceDocumentSchema } from '../gateway/gateway-schemas';
import { renderTraceWaterfall } from '../trace/trace-waterfall';

/** Columns when the output is not a terminal (a file, a pipe): wide enough for names and bars. */
const DEFAULT_WIDTH = 120;

/** Prints a batch's trace, read through the gateway from Jaeger, as a waterfall (or the document with --json). */
export async function traceCommand(
  client: GatewayClient,
  command: { batchId: string; limit?: number; json: boolean },
  output: CliOutput,
): Promise<number> {
  const query = command.limit === undefined ? '' : `?limit=${command.limit}`;
  const { body, raw } = await client.json(
    'GET',
    `/api/v1/batches/${command.batchId}/trace${query}`,
    traceDocumentSchema,
  );
  if (command.json) {
    output.out(JSON.stringify(raw));
    return EXIT_OK;
  }
  for (const line of renderTraceWaterfall(body, { width: output.columns?.() ?? DEFAULT_WIDTH })) output.out(line);
  return EXIT_OK;
}
