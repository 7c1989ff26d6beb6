import { type BatchTrace } from '@trawl/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { TRAWL_CONFIG, type TrawlConfig } from '@trawl/config';
import { LOG, type Log } from '@trawl/telemetry';
import { Database } from '../../common/database';
import { ApiError, notFound, RETRY_AFTER_SECONDS } from '../../http/api-error';
import { JaegerQueryClient, JaegerTraceTooLarge, JaegerUnavailable } from './jaeger-query.client';
import { normaliseJaegerTrace } from './jaeger-trace';
import { DEFAULT_TRACE_SPANS } from './trace.dto';

/** How long the gateway waits for Jaeger, body included. */
export const JAEGER_TIMEOUT_MS = 10_000;
/** The most of Jaeger's answer the gateway reads: about 30,000 spans. */
export const JAEGER_MAX_TRACE_BYTES = 64 * 1024 * 1024;

/**
 * Where a batch's domain attempts are traced: each attempt's trace starts with the scheduler's
 * `dispatch` span tagged with the batch id, which Jaeger's search finds (GET on its query API).
 */
export function domainTracesQuery(batchId: string): string {
  const query = new URLSearchParams({
    service: 'trawl-scheduler',
    operation: 'dispatch',
    tags: JSON.stringify({ 'trawl.batch.id': batchId }),
  });
  return `/api/traces?${query.toString()}`;
}

/** A batch's trace, read from Jaeger's query API, within the caller's tenant. */
@Injectable()
export class BatchTraceService {
  private readonly jaeger: JaegerQueryClient;
  private readonly uiUrl: string;

  constructor(
    private readonly database: Database,
    @Inject(TRAWL_CONFIG) config: TrawlConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.jaeger = new JaegerQueryClient({
      baseUrl: config.JAEGER_QUERY_URL,
      timeoutMs: JAEGER_TIMEOUT_MS,
      maxBytes: JAEGER_MAX_TRACE_BYTES,
    });
    this.uiUrl = config.JAEGER_UI_URL;
  }

  async trace(tenant: string, batchId: string, limit = DEFAULT_TRACE_SPANS): Promise<BatchTrace> {
    const traceId = await this.traceIdOf(tenant, batchId);
    let trace;
    try {
      trace = await this.jaeger.trace(traceId);
    } catch (error) {
      if (error instanceof JaegerTraceTooLarge) {
        throw new ApiError(
          502,
          `the trace of batch ${batchId} in Jaeger is larger than the gateway reads (${error.maxBytes / 1024 / 1024} MiB); ` +
            `read trace ${traceId} from Jaeger directly`,
        );
      }
      if (!(error instanceof JaegerUnavailable)) throw error;
      this.log.warn(
        { batch_id: batchId, trace_id: traceId, reason: error.message, err: error.cause },
        'Jaeger unavailable; answered 503',
      );
      throw new ApiError(
        503,
        `Jaeger's query API (JAEGER_QUERY_URL) is not available: ${error.message}; try again shortly`,
        { headers: { 'Retry-After': RETRY_AFTER_SECONDS } },
      );
    }
    if (!trace) {
      throw notFound(
        `the trace of batch ${batchId} (${traceId}) is not in Jaeger: not yet (spans arrive a few seconds after ` +
          'the work they record) or no longer (Jaeger keeps traces for a limited time)',
      );
    }
    const document = normaliseJaegerTrace(trace, limit);
    const { spans, ...summary } = document;
    return {
      batch_id: batchId,
      ...summary,
      trace_id: traceId,
      ...(this.uiUrl ? { jaeger_ui_url: `${this.uiUrl.replace(/\/*$/, '')}/trace/${traceId}` } : {}),
      domain_traces_query: domainTracesQuery(batchId),
      spans,
    };
  }

  private async traceIdOf(tenant: string, batchId: string): Promise<string> {
    const rows = await this.database.rows<{ trace_id: string | null }>(
      `select trace_id from batches where id = $1 and tenant = $2
       union all
       select trace_id from batch_submissions where batch_id = $1 and tenant = $2 and state = 'accepted'`,
      [batchId, tenant],
    );
    if (rows.length === 0) throw notFound(`batch ${batchId} not found`);
    const traceId = rows.find((row) => row.trace_id)?.trace_id;
    if (!traceId) throw notFound(`batch ${batchId} has no trace: tracing was off when it was submitted`);
    return traceId;
  }
}
