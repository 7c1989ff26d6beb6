import { type Reply } from '../http/reply';
import { type AcceptedBatch } from './batch-submission.service';
import { type BatchAcceptedDto } from './dto/batch-responses.dto';

export const v1StatusUrl = (batchId: string) => `/api/v1/batches/${batchId}`;

export function acceptedHeaders(batch: AcceptedBatch, statusUrl: string): Record<string, string> {
  return { Location: statusUrl, ...(batch.replayed ? { 'Idempotent-Replayed': 'true' } : {}) };
}

/** The 202 both API versions share; v1 adds the trace id. */
export function acceptedReply(batch: AcceptedBatch, statusUrl: string) {
  return {
    headers: acceptedHeaders(batch, statusUrl),
    body: {
      batch_id: batch.batchId,
      status_url: statusUrl,
      job_count: batch.jobCount,
      created_at: batch.createdAt.toISOString(),
    },
  };
}

export function v1Accepted(batch: AcceptedBatch): Reply<BatchAcceptedDto> {
  const { headers, body } = acceptedReply(batch, v1StatusUrl(batch.batchId));
  return { headers, body: { ...body, trace_id: batch.traceId } };
}
