import { type JaegerTrace } from './jaeger-trace';

/** Jaeger did not answer (down, refused, too slow, or not a Jaeger answer): the reason, for the log only. */
export class JaegerUnavailable extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'JaegerUnavailable';
  }
}

/** The trace is bigger than the gateway reads. */
export class JaegerTraceTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`the trace is larger than ${maxBytes} bytes`);
    this.name = 'JaegerTraceTooLarge';
  }
}

export interface JaegerQueryOptions {
  /** e.g. http://127.0.0.1:16686 */
  baseUrl: string;
  /** For the whole request, body included. */
  timeoutMs: number;
  /** The most of Jaeger's answer the gateway reads (a big batch's trace can be hundreds of MB). */
  maxBytes: number;
}

/** Reads one trace from Jaeger's query API (v1 JSON, which both Jaeger v1 and v2 serve). */
export class JaegerQueryClient {
  constructor(private readonly options: JaegerQueryOptions) {}

  /** The trace, or null when Jaeger does not have it (not exported yet, expired, or never). */
  async trace(traceId: string): Promise<JaegerTrace | null> {
    const url = new URL(`api/traces/${encodeURIComponent(traceId)}`, this.options.baseUrl.replace(/\/*$/, '/'));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      let response: Response;
      try {
        response = await fetch(url, { signal: controller.signal, headers: { accept: 'application/json' } });
      } catch (error) {
        throw new JaegerUnavailable(
          controller.signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : 'unreachable',
          error,
        );
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new JaegerUnavailable(`answered HTTP ${response.status}`);
      }
      const body = await this.readCapped(response, controller);
      let parsed: { data?: JaegerTrace[] | null };
      try {
        parsed = JSON.parse(body) as { data?: JaegerTrace[] | null };
      } catch (error) {
        throw new JaegerUnavailable('answered something that is not JSON', error);
      }
      const trace = parsed.data?.[0];
      if (!trace || !Array.isArray(trace.spans) || trace.spans.length === 0) return null;
      return trace;
    } finally {
      clearTimeout(timer);
    }
  }

  private async readCapped(response: Response, controller: AbortController): Promise<string> {
    const { maxBytes } = this.options;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel();
      throw new JaegerTraceTooLarge(maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
      for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
        const chunk = read.value;
        size += chunk.byteLength;
        if (size > maxBytes) {
          controller.abort();
          throw new JaegerTraceTooLarge(maxBytes);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof JaegerTraceTooLarge) throw error;
      throw new JaegerUnavailable(
        controller.signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : 'broke off its answer',
        error,
      );
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
