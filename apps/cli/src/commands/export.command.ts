import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError, type CliOutput } from '../cli-output';
import { type ExportFormat } from '../client-args';
import { EXIT_OK } from '../exit-codes';
import { GatewayUnreachableError, networkReason, type GatewayClient } from '../gateway/gateway-client';

/**
 * Streams a batch's export to FILE (written beside it under a temporary name, renamed when whole:
 * never a half file under the name asked for) or to stdout, chunk by chunk, never the whole body at once.
 */
export async function exportCommand(
  client: GatewayClient,
  command: { batchId: string; format: ExportFormat; outFile?: string },
  output: CliOutput,
  stdout: NodeJS.WritableStream,
): Promise<number> {
  const controller = new AbortController();
  const response = await client.send('GET', `/api/v1/batches/${command.batchId}/export?format=${command.format}`, {
    signal: controller.signal,
  });
  if (!response.body) throw new CliError('the gateway sent an export without a body');
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  const target = command.outFile;
  const partial = target ? path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`) : '';
  try {
    if (target) {
      await pipeline(body, fs.createWriteStream(partial, { flags: 'wx' }));
      await fs.promises.rename(partial, target);
    } else {
      await pipeline(body, stdout, { end: false });
    }
  } catch (error) {
    controller.abort();
    if (target) await fs.promises.rm(partial, { force: true });
    const code = (error as { code?: unknown }).code;
    if (code === 'EPIPE') return EXIT_OK; // stdout's reader stopped reading (| head): not an error
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && code !== 'ECONNRESET') {
      throw new CliError(`export: cannot write ${target ?? 'stdout'}: ${(error as Error).message}`);
    }
    throw new GatewayUnreachableError(client.connection.baseUrl, `the export broke off: ${networkReason(error)}`);
  }
  if (target) output.err(`wrote ${target}`);
  return EXIT_OK;
}
