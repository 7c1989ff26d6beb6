import { type CliOutput } from '../cli-output';
import { EXIT_OK } from '../exit-codes';
import { type GatewayClient } from '../gateway/gateway-client';
import { retryAcceptedSchema } from '../gateway/gateway-schemas';

/**
 * Asks the gateway to run an ended batch's failed domains again, as a new round (202). A batch that
 * runs, was cancelled or has no failed domains is the gateway's 409: exit 1 with its message.
 */
export async function retryFailedCommand(
  client: GatewayClient,
  command: { batchId: string; json: boolean },
  output: CliOutput,
): Promise<number> {
  const { body, raw } = await client.json(
    'POST',
    `/api/v1/batches/${command.batchId}/retry-failed`,
    retryAcceptedSchema,
    { body: {} },
  );
  const domains = `${body.domains} failed domain${body.domains === 1 ? '' : 's'}`;
  output.out(
    command.json ? JSON.stringify(raw) : `batch ${body.batch_id}: ${body.status} ${domains} (round ${body.round})`,
  );
  return EXIT_OK;
}
