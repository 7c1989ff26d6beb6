import { pipeline, type Readable, type Transform } from 'node:stream';
import * as zlib from 'node:zlib';
import { ClassifiedError } from '../errors/crawl-error';

/**
 * Reads a response body through its Content-Encoding decoders, counting DECODED bytes against a cap,
 * so a gzip bomb stops at the cap whatever its compressed size. We decode ourselves (undici's
 * `request` does not), with at most MAX_ENCODING_LAYERS layers; more, or an unknown coding, is
 * refused as 'not_html' (deterministic: retrying will not help).
 */

export const MAX_ENCODING_LAYERS = 2;

export interface ReadBodyOptions {
  /** Raw Content-Encoding header value(s). */
  contentEncoding: string | string[] | undefined;
  /** Cap on decoded bytes. */
  maxBytes: number;
  /** 'fail': throw body_too_large past the cap; 'truncate': return the first maxBytes bytes. */
  overflow: 'fail' | 'truncate';
}

export interface BodyReadResult {
  body: Buffer;
  bytes: number;
  truncated: boolean;
}

export function parseContentEncoding(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

function decoderFor(coding: string): Transform {
  // Lenient flushing: many servers cut the stream short; take what decoded cleanly.
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      return zlib.createInflate(flush);
    case 'br':
      return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    case 'zstd':
      return zlib.createZstdDecompress();
    default:
      throw new ClassifiedError('not_html', `unsupported Content-Encoding "${coding}"`);
  }
}

export async function readBody(source: Readable, options: ReadBodyOptions): Promise<BodyReadResult> {
  // Destroying an unfinished undici body emits an 'error' (RequestAbortedError); errors that matter
  // reach us through the async iterator below, so stray ones are swallowed here.
  source.on('error', () => undefined);
  const codings = parseContentEncoding(options.contentEncoding);
  if (codings.length > MAX_ENCODING_LAYERS) {
    source.destroy();
    throw new ClassifiedError(
      'not_html',
      `too many Content-Encoding layers (${codings.length} > ${MAX_ENCODING_LAYERS})`,
    );
  }
  let stream: Readable = source;
  try {
    // Codings are listed in the order they were applied: undo them last to first.
    for (const coding of [...codings].reverse()) {
      stream = pipeline(stream, decoderFor(coding), () => undefined);
      stream.on('error', () => undefined);
    }
  } catch (error) {
    stream.destroy();
    source.destroy();
    throw error;
  }

  const chunks: Buffer[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = options.maxBytes - bytes;
      if (chunk.length > room) {
        if (options.overflow === 'fail') {
          throw new ClassifiedError('body_too_large', `decoded body exceeds ${options.maxBytes} bytes`);
        }
        if (room > 0) chunks.push(chunk.subarray(0, room));
        bytes += Math.max(room, 0);
        truncated = true;
        break;
      }
      chunks.push(chunk);
      bytes += chunk.length;
    }
  } finally {
    // Leaving the loop early (cap, error) must stop the download and the decoder.
    if (!stream.destroyed) stream.destroy();
    if (!source.destroyed) source.destroy();
  }
  return { body: Buffer.concat(chunks, bytes), bytes, truncated };
}
