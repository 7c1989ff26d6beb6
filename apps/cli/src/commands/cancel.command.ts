import { type CliOutput } from '../cli-output';
import { EXIT_OK } from '../exit-codes';
import { type GatewayClient } from '../gateway/gateway-client';
import { cancelAcceptedSchema } from '../gateway/gateway-schemas';

/** Asks the gateway to cancel a batch (202); a batch that already ended is the gateway's 409, exit 1. */
export async function cancelCommand(
  client: GatewayClient,
  command: { batchId: string; reason?: string; json: boolean },
  output: CliOutput,
): Promise<number> {
  const { body, raw } = await client.json('POST', `/api/v1/batches/${command.batchId}/cancel`, cancelAcceptedSchema, {
    body: command.reason === undefined ? {} : { reason: command.reason },
  });
  output.out(command.json ? JSON.stringify(raw) : `batch ${body.batch_id}: ${body.status}`);
  return EXIT_OK;
}
